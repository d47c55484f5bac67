"""One export as a download: the data file and its codebook (HTML and CSV) in one zip.

Heard keeps no export files. The files are written in a temporary folder,
zipped into an anonymous temporary file (it has no name on disk), and the
folder is removed before the zip is handed back; the zip is gone once the
caller closes it.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from survey.models import Study, User
from survey.services.exports import ExportError
from survey.services.exports.roles import export_as
from survey.services.exports.rows import count_rows


@dataclass(frozen=True)
class Download:
    """A zip ready to send: an open file positioned at its start, its name, and the row count."""

    file: IO[bytes]
    filename: str
    rows: int


def export_zip(
    session: Session,
    study: Study,
    user: User | None,
    fmt: str,
    *,
    full: bool = False,
    reason: str | None = None,
) -> Download:
    """Export `study` as `user` may and return the zip (audited as `roles.export_as` does)."""
    if count_rows(session, study) == 0:
        raise ExportError("Nobody has completed this study yet, so there is nothing to export.")
    role = "full" if full else "deidentified"
    stem = f"{study.slug}-{role}"
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the caller, who closes it)
    try:
        with tempfile.TemporaryDirectory(prefix="heard-export-") as folder:
            out = Path(folder) / f"{stem}.{fmt}"
            written = export_as(session, study, user, fmt, out, full=full, reason=reason)
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for path in (written.data, written.codebook_html, written.codebook_csv):
                    archive.write(path, arcname=Path(path).name)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return Download(handle, f"{stem}-{fmt}.zip", written.rows)
