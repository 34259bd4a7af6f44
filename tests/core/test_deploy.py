"""Security basics and the intranet promise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_it_passes_the_deploy_check_with_production_settings() -> None:
    env = {
        **os.environ,
        "QINGFENG_DEBUG": "0",
        "QINGFENG_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
        "QINGFENG_ALLOWED_HOSTS": "qingfeng.example.gov",
    }
    # The browser tests relax Django's async guard in this process; production never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_with_the_development_key() -> None:
    env = {**os.environ, "QINGFENG_DEBUG": "0"}
    env.pop("QINGFENG_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "QINGFENG_SECRET_KEY" in result.stderr


def test_it_loads_no_external_url_in_any_template() -> None:
    pattern = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_it_vendors_every_asset_with_its_licence() -> None:
    vendor = ROOT / "static" / "vendor"
    for package in ("bootstrap", "bootstrap-icons", "htmx", "echarts"):
        assert (vendor / package / "LICENSE").is_file(), package
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    for package in ("bootstrap", "htmx", "echarts"):
        assert package in readme


def test_it_references_only_vendored_static_files_from_the_base_layout() -> None:
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    for static_path in re.findall(r"\{% static '([^']+)' %\}", base):
        assert (ROOT / "static" / static_path).is_file(), static_path
