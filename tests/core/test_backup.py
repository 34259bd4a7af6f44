"""``manage.py backup`` and ``manage.py restore``: a demo site backed up and restored into
an empty var directory scores the same, keeps its history and its uploaded files; a
restore refuses a database that already holds data, and a backup from newer code.

The commands run in subprocesses with their own ``QINGFENG_VAR_DIR``, and a database of
their own: a SQLite file in that directory, or, when the suite runs on PostgreSQL, a fresh
database created for the test on the same server (``pg_dump``/``pg_restore`` then do the
work), so the test database is never touched."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
HISTORY_TABLES = ("records_historicalrecord", "framework_historicalframeworkversion")


@dataclass(frozen=True)
class Site:
    """An installation of its own: a var directory and, on PostgreSQL, a database URL."""

    var_dir: Path
    database_url: str | None = None


def _server() -> dict[str, Any]:
    """Connection options of the test run's PostgreSQL server (its maintenance database)."""
    db = settings.DATABASES["default"]
    options = {"dbname": "postgres", "user": db.get("USER") or None}
    options |= {"host": db.get("HOST") or None, "port": db.get("PORT") or None}
    return options | {"password": db.get("PASSWORD") or None, "autocommit": True}


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    return f"postgres://{auth}@{host}/{name}"


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Make empty sites; on PostgreSQL each gets a new database, dropped at the end."""
    created: list[str] = []

    def make(name: str) -> Site:
        var_dir = tmp_path_factory.mktemp(name)
        if not ON_POSTGRESQL:
            return Site(var_dir)
        import psycopg

        database = f"qf_backup_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**_server()) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        return Site(var_dir, _url(database))

    yield make
    if created:
        import psycopg

        with psycopg.connect(**_server()) as connection:
            for database in created:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def manage(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` on ``site``."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["QINGFENG_VAR_DIR"] = str(site.var_dir)
    if site.database_url:
        env["DATABASE_URL"] = site.database_url
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The command's output, after asserting it succeeded."""
    assert result.returncode == 0, result.stderr
    return result.stdout


def in_site_language(message: str) -> str:
    """A message as the commands print it: in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def history_counts(site: Site) -> dict[str, int]:
    """Row counts of a few history tables in the site's database."""
    if site.database_url:
        import psycopg

        with psycopg.connect(site.database_url) as db:
            return {
                table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # type: ignore[index]
                for table in HISTORY_TABLES
            }
    with sqlite3.connect(site.var_dir / "qingfeng.sqlite3") as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in HISTORY_TABLES
        }


@pytest.fixture(scope="module")
def backed_up(new_site: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    """A seeded demo site with one uploaded file, and its backup archive."""
    site = new_site("site_a")
    ok(manage(site, "migrate", "--verbosity", "0"))
    ok(manage(site, "seed_demo"))
    evidence = site.var_dir / "media" / "evidence" / "2026" / "note.txt"
    evidence.parent.mkdir(parents=True)
    evidence.write_text("inspection note")
    out = tmp_path_factory.mktemp("backups")
    ok(manage(site, "backup", str(out)))
    (archive,) = out.glob("qingfeng-backup-*.tar.gz")
    return site, archive


def test_restore_into_empty_site_gives_same_scores_history_and_media(
    backed_up: tuple[Site, Path], new_site: Any
) -> None:
    site, archive = backed_up
    target = new_site("site_b")
    ok(manage(target, "restore", str(archive)))

    score = ("score", "--framework", "LK", "--period", "2026Q3", "--format", "json")
    original, restored = ok(manage(site, *score)), ok(manage(target, *score))
    assert json.loads(restored) == json.loads(original)
    assert json.loads(original), "the demo site scores some units"
    assert history_counts(target) == history_counts(site)
    assert all(history_counts(site).values())
    restored_file = target.var_dir / "media" / "evidence" / "2026" / "note.txt"
    assert restored_file.read_text() == "inspection note"
    if ON_POSTGRESQL:
        # The dump leaves the columns' compression out (so it restores onto any server);
        # the restore sets lz4 again where the server has it, as this one does.
        import psycopg

        with psycopg.connect(target.database_url) as db:
            settings_of = db.execute(
                "SELECT attname, attcompression, attstorage FROM pg_attribute"
                " WHERE attrelid = 'scoring_snapshot'::regclass"
                " AND attname IN ('nodes', 'record_ids', 'level_one')"
            ).fetchall()
        assert {name: (method, storage) for name, method, storage in settings_of} == {
            "nodes": ("l", "x"),
            "record_ids": ("l", "x"),
            "level_one": ("", "m"),
        }

    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        manifest = json.load(member)
    assert manifest["database_vendor"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert archive.stat().st_mode & 0o077 == 0, "only the service's user may read the backup"
    assert manifest["counts"]["units"] > 0
    assert "records" in manifest["migrations"]


def test_restore_refuses_a_site_that_holds_units(backed_up: tuple[Site, Path]) -> None:
    site, archive = backed_up
    result = manage(site, "restore", str(archive))
    assert result.returncode != 0
    assert (
        in_site_language(
            "The target database already holds units; restore into an empty database, "
            "or pass --force to overwrite it."
        )
        in result.stderr
    )
    assert history_counts_safe(site)


def test_restore_refuses_a_backup_from_newer_code(
    backed_up: tuple[Site, Path], tmp_path: Path, new_site: Any
) -> None:
    _, archive = backed_up
    newer = tmp_path / "newer.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(newer, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json" and data is not None:
                manifest = json.load(data)
                manifest["migrations"]["records"].append("9999_from_the_future")
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                data = io.BytesIO(raw)
            dst.addfile(member, data)
    target = new_site("site_c")
    result = manage(target, "restore", str(newer))
    assert result.returncode != 0
    message = in_site_language(
        "The backup was made by a newer version of Qingfeng (unknown migrations: "
        "%(names)s); upgrade the code first."
    ) % {"names": "records.9999_from_the_future"}
    assert message in result.stderr
    assert not history_counts_safe(target)


def history_counts_safe(site: Site) -> bool:
    """Whether the site's database holds any record history (False when it has no schema)."""
    try:
        return any(history_counts(site).values())
    except sqlite3.OperationalError:
        return False
    except Exception as error:  # psycopg's UndefinedTable, without importing it on SQLite
        if type(error).__name__ == "UndefinedTable":
            return False
        raise
