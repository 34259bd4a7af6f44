"""``manage.py backup`` and ``manage.py restore``: a demo site backed up and restored into
an empty var directory scores the same, keeps its history and its uploaded files; a
restore refuses a database that already holds data, and a backup from newer code.

The commands run in subprocesses with their own ``QINGFENG_VAR_DIR`` (SQLite files in temp
directories), so the test database is never touched."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the round trip is tested on SQLite files",
)


def manage(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` on a SQLite site of its own under ``var_dir``."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["QINGFENG_VAR_DIR"] = str(var_dir)
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


def history_counts(var_dir: Path) -> dict[str, int]:
    """Row counts of a few history tables in the site's SQLite file."""
    with sqlite3.connect(var_dir / "qingfeng.sqlite3") as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("records_historicalrecord", "framework_historicalframeworkversion")
        }


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A seeded demo site with one uploaded file, and its backup archive."""
    site = tmp_path_factory.mktemp("site_a")
    ok(manage(site, "migrate", "--verbosity", "0"))
    ok(manage(site, "seed_demo"))
    evidence = site / "media" / "evidence" / "2026" / "note.txt"
    evidence.parent.mkdir(parents=True)
    evidence.write_text("inspection note")
    out = tmp_path_factory.mktemp("backups")
    ok(manage(site, "backup", str(out)))
    (archive,) = out.glob("qingfeng-backup-*.tar.gz")
    return site, archive


def test_restore_into_empty_site_gives_same_scores_history_and_media(
    backed_up: tuple[Path, Path], tmp_path: Path
) -> None:
    site, archive = backed_up
    target = tmp_path / "site_b"
    ok(manage(target, "restore", str(archive)))

    score = ("score", "--framework", "LK", "--period", "2026Q3", "--format", "json")
    original, restored = ok(manage(site, *score)), ok(manage(target, *score))
    assert json.loads(restored) == json.loads(original)
    assert json.loads(original), "the demo site scores some units"
    assert history_counts(target) == history_counts(site)
    assert all(history_counts(site).values())
    restored_file = target / "media" / "evidence" / "2026" / "note.txt"
    assert restored_file.read_text() == "inspection note"

    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        manifest = json.load(member)
    assert manifest["database_vendor"] == "sqlite"
    assert archive.stat().st_mode & 0o077 == 0, "only the service's user may read the backup"
    assert manifest["counts"]["units"] > 0
    assert "records" in manifest["migrations"]


def test_restore_refuses_a_site_that_holds_units(backed_up: tuple[Path, Path]) -> None:
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
    backed_up: tuple[Path, Path], tmp_path: Path
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
    target = tmp_path / "site_c"
    result = manage(target, "restore", str(newer))
    assert result.returncode != 0
    message = in_site_language(
        "The backup was made by a newer version of Qingfeng (unknown migrations: "
        "%(names)s); upgrade the code first."
    ) % {"names": "records.9999_from_the_future"}
    assert message in result.stderr
    assert not history_counts_safe(target)


def history_counts_safe(var_dir: Path) -> bool:
    """Whether the site's database holds any record history (False when it has no schema)."""
    try:
        return any(history_counts(var_dir).values())
    except sqlite3.OperationalError:
        return False
