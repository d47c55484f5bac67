"""Working folders of backups and restores left by a process that was killed.

A backup or restore works in a private folder named after its process
(``.heard-backup-<pid>-*``) holding an unencrypted copy of the database; a
process killed before it cleaned up leaves it behind. The next one removes the
folders whose process has ended.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_OWNER = re.compile(r"^\.heard-backup-(\d+)-")


def remove_stale_folders(work_dir: Path) -> list[Path]:
    """Delete the working folders in `work_dir` whose process has ended; return them."""
    removed = []
    for folder in work_dir.glob(".heard-backup-*"):
        owner = _OWNER.match(folder.name)
        if folder.is_dir() and owner and not _running(int(owner.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    """Return True if a process with `pid` exists (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
