"""Agreement, reconciliation and audit-log commands."""

from __future__ import annotations
