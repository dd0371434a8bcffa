"""Write a file whole or not at all: into a temporary name beside it, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary path in ``out``'s folder; renamed to ``out`` if the block succeeds, removed if not."""
    handle, name = tempfile.mkstemp(suffix=out.suffix, dir=out.parent or Path("."))
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
