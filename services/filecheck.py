"""`flask check-files`: uploads on disk without a StoredFile row (orphans) and rows without their bytes (missing)."""
import time
from dataclasses import dataclass
from pathlib import Path

from models import StoredFile

# A file younger than this may belong to a transaction still open, so it is not called an orphan yet.
ORPHAN_GRACE_SECONDS = 3600


@dataclass
class FileReport:
    orphans: list  # Paths on disk that no StoredFile names
    missing: list  # StoredFiles whose bytes are not on disk
    orphan_bytes: int = 0
    removed: int = 0


def check_files(upload_root, fix=False):
    """Compare the upload folder with the StoredFile rows; with `fix`, remove the orphans (rows are never deleted)."""
    root, now = Path(upload_root), time.time()
    on_disk = {path.name: path for path in root.iterdir() if path.is_file()} if root.is_dir() else {}
    rows = list(StoredFile.select().order_by(StoredFile.id).iterator())
    known = {row.stored_name for row in rows}
    orphans = sorted(path for name, path in on_disk.items()
                     if name not in known and now - path.stat().st_mtime > ORPHAN_GRACE_SECONDS)
    missing = [row for row in rows if row.stored_name not in on_disk]
    report = FileReport(orphans, missing, sum(path.stat().st_size for path in orphans))
    if fix:
        for path in orphans:
            path.unlink(missing_ok=True)
        report.removed = len(orphans)
    return report
