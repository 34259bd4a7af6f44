"""Issue 10, finding 1: stored XSS in chart tooltips — the Content-Security-Policy half.

Every response (pages, JSON, errors, static files, the API and its docs) carries a strict
policy allowing scripts only from this site, and no template holds an inline script or an
inline event handler that such a policy would block (data goes through json_script).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from qingfeng.core.middleware import content_security_policy
from tests.conftest import Org, english

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC_JS = Path(settings.BASE_DIR) / "static" / "js"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_xss_csp_policy_allows_only_our_own_scripts() -> None:
    policy = _directives(content_security_policy())
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


@pytest.mark.django_db
def test_xss_csp_header_on_every_response(client: Client, org: Org) -> None:
    expected = content_security_policy()
    urls = [
        "/accounts/login/",  # a page
        "/",  # a redirect to the login
        "/no-such-page/",  # a 404
        "/api/docs",  # the API docs (Swagger UI from our own files)
        "/api/openapi.json",
        "/api/frameworks/T",  # the API refusing a request without a token
        "/static/js/qingfeng.js",  # a static file (WhiteNoise, or Django's in tests)
    ]
    for url in urls:
        response = client.get(url)
        assert response["Content-Security-Policy"] == expected, (url, response.status_code)


@pytest.mark.django_db
def test_xss_csp_header_on_a_logged_in_page(org: Org, admin_a: object) -> None:
    client = english(Client())
    client.force_login(admin_a)  # type: ignore[arg-type]
    response = client.get("/org/units/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def test_xss_csp_no_inline_script_in_templates() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for attributes in SCRIPT.findall(text):
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                offenders.append(f"{path.relative_to(TEMPLATES)}: <script{attributes}>")
        offenders += [f"{path.relative_to(TEMPLATES)}: {m.group()}" for m in HANDLER.finditer(text)]
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(TEMPLATES)}: javascript: URL")
    assert offenders == []


def test_xss_every_tooltip_formatter_escapes() -> None:
    """Each chart script that writes a tooltip formatter uses the one escape helper."""
    for path in STATIC_JS.glob("charts-*.js"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"tooltip:\s*\{[^}]*formatter:\s*function", text, re.DOTALL):
            assert "charts.escape" in text, path.name
        assert "innerHTML" not in text, path.name
