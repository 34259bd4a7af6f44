"""The production server: scripts/serve.sh runs gunicorn with DEBUG off, whitenoise serves
the collected static files, every page carries the security headers, and behind the proxy
the login lockout tells clients apart by their forwarded address."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SERVE = ROOT / "scripts" / "serve.sh"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

pytestmark = pytest.mark.skipif(
    not os.access(GUNICORN, os.X_OK), reason="gunicorn is not installed in .venv"
)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(var_dir: Path, port: int) -> dict[str, str]:
    """The environment of a production install behind nginx, on a SQLite file of its own."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Its own SQLite database whatever the suite runs on; no test-process tweaks.
        if key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith("QINGFENG_")
    }
    env.update(
        QINGFENG_DEBUG="0",
        QINGFENG_SECRET_KEY="serve-test-" + "s" * 50,
        QINGFENG_ALLOWED_HOSTS="127.0.0.1",
        QINGFENG_BEHIND_PROXY="1",
        QINGFENG_VAR_DIR=str(var_dir),
        QINGFENG_ADDRESS=f"127.0.0.1:{port}",
        QINGFENG_WORKERS="2",
        QINGFENG_SKIP_INSTALL="1",
        QINGFENG_LOGIN_FAILURE_LIMIT="2",
    )
    return env


def get(port: int, path: str, *, https: bool = True) -> tuple[http.client.HTTPResponse, bytes]:
    """GET over loopback, as nginx forwards it (X-Forwarded-Proto) unless ``https`` is off."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def failed_login(port: int, client_address: str) -> int:
    """A wrong password for "someone" from ``client_address`` as nginx forwards it; the status."""
    page_response, page = get(port, "/accounts/login/")
    csrf_cookie = SimpleCookie(page_response.getheader("Set-Cookie"))["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode())
    assert token is not None
    form = {"csrfmiddlewaretoken": token.group(1), "username": "someone", "password": "wrong"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request(
        "POST",
        "/accounts/login/",
        body=urlencode(form),
        headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": client_address,
            "Origin": f"https://127.0.0.1:{port}",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    status = connection.getresponse().status
    connection.close()
    return status


def wait_until_answering(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    """Return once the server answers; fail with its output if it exits or hangs."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve.sh exited with {server.returncode}:\n{log.read_text()}")
        try:
            get(port, "/accounts/login/")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer within 60 s:\n{log.read_text()}")


def test_serve_sh_runs_gunicorn_with_static_files_and_security_headers(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["bash", str(SERVE)],
            cwd=ROOT,
            env=production_env(tmp_path / "var", port),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(port, server, log)

        login, page = get(port, "/accounts/login/")
        assert login.status == 200
        assert login.getheader("Server", "").startswith("gunicorn")
        assert login.getheader("X-Frame-Options") == "DENY"
        assert login.getheader("X-Content-Type-Options") == "nosniff"
        assert login.getheader("Referrer-Policy") == "same-origin"
        assert login.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
        assert "Secure" in login.getheader("Set-Cookie", "")

        # The stylesheet under its hashed name (manifest storage), served by whitenoise.
        css_url = re.search(r'href="(/static/css/qingfeng\.[0-9a-f]{12}\.css)"', page.decode())
        assert css_url is not None, page.decode()
        css, stylesheet = get(port, css_url.group(1))
        assert css.status == 200
        assert css.getheader("Content-Type", "").startswith("text/css")
        assert "immutable" in css.getheader("Cache-Control", "")
        collected = tmp_path / "var" / css_url.group(1).removeprefix("/")
        assert stylesheet == collected.read_bytes()

        # Plain HTTP (no proxy saying https) is sent to https.
        plain, _ = get(port, "/accounts/login/", https=False)
        assert plain.status == 301
        assert plain.getheader("Location") == f"https://127.0.0.1:{port}/accounts/login/"

        # Every request comes from the proxy's address: the lockout (per username and
        # address) must use the forwarded one, or one attacker locks a username for everyone.
        assert [failed_login(port, "203.0.113.9") for _ in range(2)] == [200, 429]
        assert failed_login(port, "198.51.100.7") == 200
    finally:
        server.send_signal(signal.SIGTERM)  # serve.sh exec'd gunicorn: this is its master
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert 'GET /accounts/login/ HTTP/1.1" 200' in log.read_text()


def test_serve_sh_refuses_production_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path / "var", free_port())
    del env["QINGFENG_SECRET_KEY"]
    result = subprocess.run(
        ["bash", str(SERVE)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "set QINGFENG_SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr
    assert not (tmp_path / "var").exists()  # refused before touching anything
