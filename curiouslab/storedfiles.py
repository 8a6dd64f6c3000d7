"""No file in storage that no row points to, and no upload's temporary file left behind.

- ``store(name, content)`` (``store_in_field`` for a ``FileField``) saves a file that leaves
  nothing behind when its write fails (a full disk), and that goes when the enclosing
  ``files_atomic()`` block rolls back: ``transaction.atomic()`` that, when an exception leaves
  it, deletes the files stored inside it. A block inside another hands its files to the
  outer one, so a file stays only when the outermost block commits.
- ``discard(name)`` deletes a file if it is there and never raises: a partial file left by a
  full disk, a render that failed.
- ``orphans()`` lists the files of the default storage (local folder or S3 bucket) that no row
  points to and that are older than a day; ``storage_sweep`` (the management command, and the
  beat task ``accounts.storage_sweep``) lists or deletes them. The rows are every
  ``FileField`` of the project and the path fields named in ``settings.STORAGE_PATH_FIELDS``.
- A large upload streams to a temporary file (``FILE_UPLOAD_TEMP_DIR``) named after the
  process that receives it (``UploadHandler``: ``upload-<pid>-…``). Django deletes it when the
  request ends or the upload is interrupted; when the process itself is killed, gunicorn's
  arbiter removes that process's files (``child_exit`` in gunicorn.conf.py calls
  ``remove_upload_temp_files(pid)``), and the sweep those of any process that is gone.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

log = logging.getLogger(__name__)

ORPHAN_AGE = timedelta(days=1)
BATCH = 500

# The files saved in the enclosing files_atomic() blocks, innermost last.
_saved: contextvars.ContextVar[list[list[tuple[Storage, str]]] | None] = contextvars.ContextVar(
    "curiouslab_saved_files", default=None
)


def discard(name: str, storage: Storage | None = None) -> None:
    """Delete ``name`` from ``storage`` (the default one) if it is there; log and go on when
    the storage refuses."""
    if not name:
        return
    storage = storage or default_storage
    try:
        storage.delete(name)
    except Exception:  # a clean-up never hides the error that caused it: the sweep retries
        log.warning("could not delete %s from storage", name, exc_info=True)


@contextlib.contextmanager
def files_atomic() -> Iterator[None]:
    """``transaction.atomic()`` that deletes, when it rolls back, the files registered in it
    with ``delete_on_rollback``."""
    stack = _saved.get()
    outermost = stack is None
    if outermost:
        stack = []
        token = _saved.set(stack)
    mine: list[tuple[Storage, str]] = []
    stack.append(mine)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        stack.pop()
        for storage, name in mine:
            discard(name, storage)
        raise
    else:
        stack.pop()
        if stack:  # the enclosing block may still roll back: the files are its own now
            stack[-1].extend(mine)
    finally:
        if outermost:
            _saved.reset(token)


def delete_on_rollback(name: str, storage: Storage | None = None) -> None:
    """Register a file just saved in the enclosing ``files_atomic()`` block."""
    stack = _saved.get()
    if not stack:
        raise RuntimeError("delete_on_rollback() needs an enclosing files_atomic() block")
    stack[-1].append((storage or default_storage, name))


def store(name: str, content, storage: Storage | None = None, max_length: int | None = None):
    """``storage.save(name, content)`` that leaves no empty or truncated file when the write
    fails (a full disk), and whose file goes should the enclosing ``files_atomic()`` block
    (if any) roll back. Returns the name stored."""
    storage = storage or default_storage
    target = storage.get_available_name(name, max_length=max_length)
    try:
        stored = storage.save(target, content, max_length=max_length)
    except BaseException:
        discard(target, storage)  # what the failed write left at the name it had
        raise
    if _saved.get():
        delete_on_rollback(stored, storage)
    return stored


def store_in_field(fieldfile: FieldFile, name: str, content) -> None:
    """``fieldfile.save(name, content, save=False)`` through ``store``."""
    target = fieldfile.field.generate_filename(fieldfile.instance, name)
    fieldfile.name = store(target, content, fieldfile.storage, fieldfile.field.max_length)
    setattr(fieldfile.instance, fieldfile.field.attname, fieldfile.name)
    fieldfile._committed = True


# --- Orphans --------------------------------------------------------------------------------


def _reference_fields() -> list[tuple[type[models.Model], str]]:
    fields = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]
    for dotted in getattr(settings, "STORAGE_PATH_FIELDS", []):
        label, field = dotted.rsplit(".", 1)
        fields.append((apps.get_model(label), field))
    return fields


def _referenced(names: list[str], fields) -> set[str]:
    found: set[str] = set()
    for model, field in fields:
        found.update(
            model._default_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True)
        )
    return found


def _listing(storage: Storage) -> Iterator[tuple[str, datetime]]:
    """Every file of ``storage`` with its modification time: one listing request per
    thousand objects on S3, a walk of the folder on a local storage."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        prefix = (getattr(storage, "location", "") or "").strip("/")
        prefix = f"{prefix}/" if prefix else ""
        for obj in bucket.objects.filter(Prefix=prefix):
            if not obj.key.endswith("/"):
                yield obj.key[len(prefix) :], obj.last_modified
        return
    root = Path(storage.location)
    for folder, _dirs, files in os.walk(root):
        for filename in files:
            path = Path(folder) / filename
            with contextlib.suppress(FileNotFoundError):
                modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
                yield path.relative_to(root).as_posix(), modified


def orphans(*, storage: Storage | None = None, now=None, age: timedelta = ORPHAN_AGE):
    """The names of the files of ``storage`` older than ``age`` that no row points to."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - age
    fields = _reference_fields()
    batch: list[str] = []
    for name, modified in _listing(storage):
        if modified < cutoff:
            batch.append(name)
        if len(batch) >= BATCH:
            yield from sorted(set(batch) - _referenced(batch, fields))
            batch = []
    if batch:
        yield from sorted(set(batch) - _referenced(batch, fields))


def storage_sweep(*, delete: bool, storage: Storage | None = None, now=None) -> list[str]:
    """List (and with ``delete`` remove) the orphan files of the storage, then the upload
    temporary files of processes that are gone. Returns the storage names found."""
    storage = storage or default_storage
    found = list(orphans(storage=storage, now=now))
    if delete:
        for name in found:
            discard(name, storage)
        log.info("storage sweep: %s orphan files deleted", len(found))
        remove_upload_temp_files()
    return found


# --- Upload temporary files -----------------------------------------------------------------

_TEMP_NAME = re.compile(r"^upload-(\d+)-")


def upload_temp_dir() -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())


class PidTemporaryUploadedFile(TemporaryUploadedFile):
    """Django's temporary upload, its file named after the process receiving it."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        _path, ext = os.path.splitext(name)
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 -- closed with the upload, as Django's
            prefix=f"upload-{os.getpid()}-", suffix=".upload" + ext, dir=upload_temp_dir()
        )
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class UploadHandler(TemporaryFileUploadHandler):
    """Django's handler streaming a large upload to a temporary file, the file named after
    this process (see the module's docstring)."""

    def new_file(self, *args, **kwargs):
        FileUploadHandler.new_file(self, *args, **kwargs)  # the name, type and charset
        self.file = PidTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_upload_temp_files(pid: int | None = None, *, age: timedelta = ORPHAN_AGE) -> int:
    """Remove the upload temporary files of process ``pid`` (a worker that died), or, without
    ``pid``, those of every process that is gone and any older than ``age``. Returns how many."""
    removed = 0
    oldest = time.time() - age.total_seconds()
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(upload_temp_dir()):
            match = _TEMP_NAME.match(entry.name)
            if not match or not entry.is_file():
                continue
            owner = int(match.group(1))
            if pid is not None:
                gone = owner == pid
            else:  # an hour: a request lasts a minute at most (GUNICORN_REQUEST_TIMEOUT)
                mtime = entry.stat().st_mtime
                gone = mtime < oldest or (mtime < time.time() - 3600 and not _alive(owner))
            if gone:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed
