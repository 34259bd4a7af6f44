"""Chinese first, English complete: every message in the catalogue is translated, every
message in the code and templates is in the catalogue, and no user-facing text escapes
translation (tests/core/i18n_scan.py). ``.ci/run`` runs this module on its own too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.core.i18n_scan import scan, untranslated_in_python, untranslated_in_template

ROOT = Path(settings.BASE_DIR)
CATALOGUE = "locale/zh_Hans/LC_MESSAGES/django.po"
# makemessages as .ci/run and the README call it.
IGNORED = (".venv", "var", "static", "bench", "tests")


def test_it_has_a_complete_chinese_catalogue() -> None:
    catalogue = polib.pofile(str(ROOT / CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue.translated_entries()) > 200


def test_every_message_of_the_code_and_templates_is_translated(tmp_path: Path) -> None:
    """makemessages over a copy of the code, templates and catalogue: any message it
    extracts that the catalogue lacks (new, hence untranslated, or fuzzily matched to an
    old one) fails, named. The working tree's catalogue is left untouched."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext is not installed (apt-get install gettext)")
        pytest.skip("gettext is not installed")
    for name in ("qingfeng", "templates", "locale"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    ignores = [f"--ignore={name}" for name in IGNORED]
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"]
    environment = {**os.environ, "QINGFENG_VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [*command, *ignores], cwd=tmp_path, env=environment, check=True, capture_output=True
    )
    extracted = polib.pofile(str(tmp_path / CATALOGUE))
    missing = [entry.msgid for entry in extracted.untranslated_entries()]
    fuzzy = [entry.msgid for entry in extracted.fuzzy_entries()]
    assert missing == [], "messages without a Chinese translation (add them to django.po)"
    assert fuzzy == [], "messages only fuzzily matched (add their own translation)"


def test_no_user_facing_text_escapes_translation() -> None:
    assert scan(ROOT) == []


def test_the_scan_finds_untranslated_text_in_templates() -> None:
    source = (
        "{% load i18n %}<h1>Units</h1><p>{% translate 'Units' %} {{ count }}</p>\n"
        '<input placeholder="Search"><input placeholder="{% translate \'Search\' %}">\n'
        "<p>{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}</p><p>清风</p>\n"
        '<button type="submit" value="Save"></button><a href="/units/" class="btn">→</a>\n'
        "<script>const label = 'not shown';</script><code>Authorization: Bearer</code>\n"
        "{% comment %}Why this is here{% endcomment %}<span>Excel (.xlsx) · 3</span>\n"
    )
    assert untranslated_in_template(source) == [
        (1, "Units"),
        (2, 'placeholder="Search"'),
        (3, "清风"),
        (4, 'value="Save"'),
    ]


def test_the_scan_finds_literal_messages_in_python() -> None:
    source = (
        "messages.success(request, 'Saved')\n"
        "messages.error(request, _('Refused'))\n"
        "raise ValidationError(f'bad value {x}')\n"
        "form.add_error('name', '名称重复')\n"
        "issues.at(3, 'unit', 'unknown unit %s' % code)\n"
        "issues.at(3, 'unit', _('unknown unit %(code)s') % {'code': code})\n"
        "raise BadValue(str(error))\n"
        "raise ValidationError(message)\n"
    )
    assert untranslated_in_python(source) == [
        (1, "Saved"),
        (3, "bad value "),
        (4, "名称重复"),
        (5, "unknown unit %s"),
    ]
