"""Pure analysis: agreement statistics, units, re-anchoring, reconciliation, merge
suggestions and survey statistics. No database, no files, no terminal."""
