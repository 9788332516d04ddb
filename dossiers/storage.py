"""Atomic writes of generated files: no reader ever sees half a file, a retry never leaves two.

- FileSystemStorage (the default): the bytes go to a temporary file in the same directory, are
  flushed and fsynced, then `os.replace`d over the record's fixed name (atomic on POSIX). The name
  is derived from the record id, so a retry writes the same path again.
- Any other storage (S3 and the like have no rename): save under a new unique name, switch the
  record's `file` field in one UPDATE, then delete the old file.
Stray temporary files of a killed worker are removed on the next write of the same record.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

TEMP_PREFIX = ".tmp-"


def final_name(record, extension: str) -> str:
    from campaigns.vn_format import ascii_slug

    label = ascii_slug(record.title or record.kind, max_length=50)
    return f"private/dossiers/{record.round_id}/{record.pk:08d}-v{record.version}-{label}.{extension}"


def _clean_stale_temps(directory: Path, stem: str):
    for path in directory.glob(f"{TEMP_PREFIX}{stem}*"):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def write_atomically(record, data: bytes, extension: str) -> str:
    """Write `data` as the record's file; returns the storage name (the caller saves the record)."""
    field = record.file
    storage = field.storage
    name = final_name(record, extension)
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale_temps(path.parent, path.name)
        handle, temp_path = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp_path, 0o640)
            os.replace(temp_path, path)
        except BaseException:
            try:
                os.unlink(temp_path)
            except FileNotFoundError:
                pass
            raise
        return name
    # Storages without rename: a new object, switched in one update, the old one deleted after.
    old_name = field.name
    saved = storage.save(name, ContentFile(data))
    type(record).objects.filter(pk=record.pk).update(file=saved)
    if old_name and old_name != saved:
        storage.delete(old_name)
    return saved


def read_bytes(record) -> bytes:
    with record.file.open("rb") as stream:
        return stream.read()
