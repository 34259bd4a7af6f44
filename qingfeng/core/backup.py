"""Backing up and restoring the whole site: the database and the uploaded files together.

One dated ``.tar.gz`` archive holds ``manifest.json`` (format version, when, which database
vendor, the migrations applied per app, a few table counts), the database (an SQLite file
made with SQLite's online backup API, consistent while the app runs, or a ``pg_dump``
custom-format dump) and ``media/`` (the uploaded evidence under ``MEDIA_ROOT``).

A restore goes into an empty database only, unless forced, and refuses an archive whose
migrations are newer than the code's: that database would not fit the models.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.org.models import Unit
from qingfeng.records.models import Evidence, Record
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.storage import set_snapshot_storage

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_DUMP_NAME = "database.dump"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the archive's manifest, and whether migrations must still run."""

    manifest: dict[str, Any]
    needs_migrate: bool
    media_files: int


def _database() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _vendor() -> str:
    return str(connections["default"].vendor)


def migration_state() -> dict[str, list[str]]:
    """The migrations applied to the default database, per app, sorted."""
    applied = MigrationRecorder(connections["default"]).applied_migrations()
    state: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        state.setdefault(app, []).append(name)
    return state


def code_migrations() -> set[tuple[str, str]]:
    """Every migration the code ships, as (app, name)."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _counts() -> dict[str, int]:
    # A few tables whose counts let an operator see at a glance that a restore is whole.
    return {
        "units": Unit.objects.count(),
        "records": Record.objects.count(),
        "record_history": Record.history.model.objects.count(),  # type: ignore[attr-defined]
        "evidence": Evidence.objects.count(),
        "snapshots": Snapshot.objects.count(),
    }


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes through the environment
    so it never shows in the process list."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run_pg(tool: str, args: list[str], env: dict[str, str]) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            _("%(tool)s is not installed or not on PATH; install the PostgreSQL client tools.")
            % {"tool": tool}
        )
    done = subprocess.run([tool, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s") % {"tool": tool, "error": done.stderr.strip()}
        )


def _dump_database(work: Path, vendor: str) -> str:
    """Write the database into ``work``; return the member name it has in the archive."""
    db = _database()
    if vendor == "sqlite":
        target = work / SQLITE_NAME
        # The online backup API copies a consistent state even while others write.
        source = sqlite3.connect(str(db["NAME"]))
        dest = sqlite3.connect(str(target))
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
        return SQLITE_NAME
    if vendor == "postgresql":
        args, env = _pg_args(db)
        # Without the columns' compression methods, so the dump restores onto a server
        # built without lz4 too; a restore sets them again where the server has it.
        options = ["--format=custom", "--no-toast-compression", f"--file={work / PG_DUMP_NAME}"]
        _run_pg("pg_dump", [*options, *args], env)
        return PG_DUMP_NAME
    raise BackupError(_("Backups support SQLite and PostgreSQL only, not %s.") % vendor)


def create_backup(*, directory: Path, now: datetime | None = None) -> Path:
    """Write one dated archive of the database, the media files and a manifest into
    ``directory`` (created if missing); return its path."""
    now = now or timezone.now()
    vendor = _vendor()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    archive = directory / f"qingfeng-backup-{stamp}.tar.gz"
    manifest = {
        "format_version": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database_vendor": vendor,
        "migrations": migration_state(),
        "counts": _counts(),
    }
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        work = Path(tmp)
        db_member = _dump_database(work, vendor)
        manifest["database_file"] = db_member
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        # Written under a temporary name first, so a half-written archive never looks whole.
        partial = directory / (archive.name + ".partial")
        # Every record and evidence file is in it: readable by the service's user only.
        partial.touch(mode=0o600)
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)
            tar.add(work / db_member, arcname=db_member)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA_DIR)
        partial.replace(archive)
    return archive


def database_has_units() -> bool:
    """Whether the configured database already holds units (a missing schema holds none)."""
    connection = connections["default"]
    try:
        if Unit._meta.db_table not in connection.introspection.table_names():
            return False
        return Unit.objects.exists()
    except DatabaseError:
        return False


def _check_migrations(manifest: dict[str, Any]) -> bool:
    """Refuse an archive with migrations the code lacks; return whether some are missing
    from the archive (the restored database then needs ``migrate``)."""
    archived = {
        (app, name) for app, names in manifest.get("migrations", {}).items() for name in names
    }
    code = code_migrations()
    unknown = sorted(archived - code)
    if unknown:
        raise BackupError(
            _(
                "The backup was made by a newer version of Qingfeng (unknown migrations: "
                "%(names)s); upgrade the code first."
            )
            % {"names": ", ".join(f"{app}.{name}" for app, name in unknown[:5])}
        )
    return bool(code - archived)


def _restore_sqlite(database_file: Path) -> None:
    target = Path(str(_database()["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    # A WAL or shared-memory file beside the old database would be replayed onto the new one.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    staging = target.with_name(target.name + ".restoring")
    shutil.copyfile(database_file, staging)
    staging.replace(target)


def _restore_postgresql(dump: Path) -> None:
    connections.close_all()
    args, env = _pg_args(_database())
    _run_pg("pg_restore", ["--clean", "--if-exists", "--no-owner", *args, str(dump)], env)
    set_snapshot_storage(connection=connections["default"])


def _restore_media(source: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    count = 0
    if not source.is_dir():
        return 0
    for path in source.rglob("*"):
        if path.is_file():
            dest = media_root / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            count += 1
    return count


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest of a backup archive, or a BackupError if it is not one."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.load(member)
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(
            _("%(file)s is not a Qingfeng backup: %(error)s") % {"file": archive, "error": exc}
        ) from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("Unsupported backup format version: %s") % manifest.get("format_version")
        )
    return manifest


def restore_backup(*, archive: Path, force: bool = False) -> RestoreResult:
    """Restore the database and the media files from ``archive`` into the configured
    database and ``MEDIA_ROOT``. Refuses a database that already holds units unless
    ``force``, an archive from another database vendor, and migrations newer than the
    code's. The caller runs ``migrate`` when ``needs_migrate`` says so."""
    manifest = read_manifest(archive)
    vendor = _vendor()
    if manifest.get("database_vendor") != vendor:
        raise BackupError(
            _("The backup holds a %(archived)s database but this site uses %(current)s.")
            % {"archived": manifest.get("database_vendor"), "current": vendor}
        )
    needs_migrate = _check_migrations(manifest)
    if not force and database_has_units():
        raise BackupError(
            _(
                "The target database already holds units; restore into an empty database, "
                "or pass --force to overwrite it."
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, links out of the tree and devices.
            tar.extractall(work, filter="data")
        database_file = work / str(manifest.get("database_file", ""))
        if not database_file.is_file():
            raise BackupError(_("The backup holds no database file."))
        if vendor == "sqlite":
            _restore_sqlite(database_file)
        else:
            _restore_postgresql(database_file)
        media_files = _restore_media(work / MEDIA_DIR)
    return RestoreResult(manifest=manifest, needs_migrate=needs_migrate, media_files=media_files)
