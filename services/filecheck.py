"""`flask check-files`: stored files without a StoredFile row (orphans) and rows without their bytes (missing)."""
import time
from dataclasses import dataclass

from models import StoredFile
from services import filestore

# A file younger than this may belong to a transaction still open, so it is not called an orphan yet.
ORPHAN_GRACE_SECONDS = 3600


@dataclass
class FileReport:
    orphans: list  # filestore.Entry of each file that no StoredFile names
    missing: list  # StoredFiles whose bytes are not stored
    orphan_bytes: int = 0
    removed: int = 0


def check_files(place, fix=False):
    """Compare the stored files (a folder or a bucket) with the StoredFile rows; with `fix`, remove the orphans (rows
    are never deleted)."""
    files, now = filestore.open_store(place), time.time()
    stored = {entry.name: entry for entry in files.listing()}
    rows = list(StoredFile.select().order_by(StoredFile.id).iterator())
    known = {row.stored_name for row in rows}
    orphans = sorted((entry for name, entry in stored.items()
                      if name not in known and now - entry.modified > ORPHAN_GRACE_SECONDS), key=lambda entry: entry.name)
    missing = [row for row in rows if row.stored_name not in stored]
    report = FileReport(orphans, missing, sum(entry.size for entry in orphans))
    if fix:
        for entry in orphans:
            files.delete(entry.name)
        report.removed = len(orphans)
    return report
