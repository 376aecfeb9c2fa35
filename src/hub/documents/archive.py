"""The archive of original ZIPs, content-addressed by sha256 on a Django storage backend.

`STORAGES["efactura_archive"]` selects the backend when configured (S3, ...); by default the files live under
`DATA_DIR/archive/`. A blob is written once; a partial file left by a crash is detected by its hash and
rewritten, so `blob_put` is idempotent and safe to repeat.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

STORAGE_ALIAS = "efactura_archive"


class CorruptBlob(Exception):
    """The stored bytes do not hash to their name."""


def archive_storage() -> Storage:
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    return _filesystem_storage(str(Path(settings.DATA_DIR) / "archive"))


@functools.lru_cache(maxsize=8)
def _filesystem_storage(location: str) -> FileSystemStorage:
    """One storage per folder: building one (it connects a signal receiver) cost more than a blob's write."""
    return FileSystemStorage(location=location)


def blob_name(sha256: str) -> str:
    return f"zip/{sha256[:2]}/{sha256[2:4]}/{sha256}.zip"


def blob_put(data: bytes) -> str:
    """Store `data` under its sha256 (once); returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    storage, name = archive_storage(), blob_name(digest)
    if storage.exists(name):
        try:
            blob_get(digest)
            return digest
        except CorruptBlob:
            storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # another worker wrote the same blob in between: keep one copy
        storage.delete(saved)
    return digest


def blob_exists(sha256: str) -> bool:
    return bool(sha256) and archive_storage().exists(blob_name(sha256))


def blob_get(sha256: str) -> bytes:
    with archive_storage().open(blob_name(sha256), "rb") as handle:
        data: bytes = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptBlob(sha256)
    return data
