"""Every file format in and out: transcripts, reports, codebooks (YAML, REFI-QDA .qdc),
REFI-QDA projects (.qdpx) and survey files. Pure: no database, no terminal."""
