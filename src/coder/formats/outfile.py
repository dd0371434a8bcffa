"""Writing output files safely: a temporary file in the same folder, then a rename.

Every export, codebook, codings file and report goes through
:func:`atomic_output`. A kill or a full disk in the middle of a write leaves
the previous good file (or no file) in place, never a truncated one, because
``os.replace`` within one folder is atomic. The file is created 0600 whatever
the umask: exports hold interview data, which is personal data (AVG/GDPR).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coder.errors import CoderError

FILE_MODE = 0o600


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; on success it becomes ``out`` (mode 0600).

    On any error the temporary file is removed and ``out`` is left as it was;
    an ``OSError`` (full disk, no permission) becomes a one-line ``CoderError``
    naming the file.
    """
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CoderError(f"{out}: folder {folder} does not exist", "create it first or choose another -o")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise CoderError(f"{out}: cannot write ({exc.strerror})", "check the folder's permissions") from exc
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, out)
    except OSError as exc:
        raise CoderError(
            f"{out}: could not be written ({exc.strerror or exc})", "free disk space or choose another -o"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def write_text(out: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``out`` atomically."""
    with atomic_output(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
