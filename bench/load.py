"""Load test of the production server: many logged-in analysts on the demo county.

Usage:

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--think 5]
                                   [--server gunicorn|runserver] [--workers N] [--fresh]

Starts the server on a free loopback port against the demo county in ``/tmp/qf-load``
(``migrate`` + ``seed_demo`` the first time, or again with ``--fresh``): ``scripts/serve.sh``
(gunicorn, ``QINGFENG_DEBUG=0``, workers sized to the cores unless ``--workers``) or, for
comparison, ``manage.py runserver`` with the same settings. Each user logs in through the
real login form (CSRF token, Argon2 hash), as the demo ``analyst``; then, for ``--seconds``,
each user requests in turn the overview, the portrait of a random unit and the ranking table
of framework LK's latest period, pausing ``--think`` seconds on average between two requests
(uniformly 0.5x to 1.5x): 5 s by default, a person reading a page before the next click;
``--think 0`` sends requests back to back and measures saturation. Every request carries
``X-Forwarded-Proto: https`` as nginx does (``QINGFENG_BEHIND_PROXY=1``). Prints, per page,
the count, the errors (anything but a 200) and p50/p95/p99 in ms, then stops the server.

Target (issue 10): 50 users, p95 under 300 ms for every page, 0 errors. Only 127.0.0.1 is
contacted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
USERNAME, PASSWORD = "analyst", "qingfeng-demo-2026"
FRAMEWORK = "LK"
PAGES = ("overview", "portrait", "ranking")


def server_env(var_dir: Path, port: int, workers: int | None) -> dict[str, str]:
    """The production settings, on a SQLite database of its own."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        QINGFENG_DEBUG="0",
        QINGFENG_SECRET_KEY="bench-load-only-secret-key-not-for-production-0123456789",
        QINGFENG_ALLOWED_HOSTS=HOST,
        QINGFENG_BEHIND_PROXY="1",
        QINGFENG_VAR_DIR=str(var_dir),
        QINGFENG_ADDRESS=f"{HOST}:{port}",
        QINGFENG_SKIP_INSTALL="1",
    )
    if workers:
        env["QINGFENG_WORKERS"] = str(workers)
    return env


def prepare_database(var_dir: Path, env: dict[str, str], fresh: bool) -> None:
    if fresh and var_dir.exists():
        shutil.rmtree(var_dir)
    if (var_dir / "qingfeng.sqlite3").exists():
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    print(f"seeded the demo county in {var_dir} in {time.perf_counter() - start:.0f} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Session:
    """One browser: its cookies, a new connection per request (gunicorn's sync workers
    close each connection anyway), the headers nginx would add."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPResponse, bytes]:
        origin = f"https://{HOST}:{self.port}"
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            }
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response, content

    def log_in(self) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page: {status}")
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": USERNAME,
            "password": PASSWORD,
            "next": "",
        }
        status, _, _ = self.request("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login refused: {status}")


def wait_until_answering(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with {server.returncode}; see {log}")
        try:
            Session(port).request("GET", "/accounts/login/")
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server did not answer within 120 s; see {log}")


def start_server(kind: str, env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    if kind == "gunicorn":
        command = ["bash", "scripts/serve.sh"]
    else:
        for step in (["migrate", "-v0"], ["compile_translations", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True)
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"]
    with log.open("wb") as output:
        # Its own process group, so that stopping it stops every worker it started.
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def discover(session: Session) -> tuple[str, list[str]]:
    """The latest period (where /analysis/LK/ redirects) and the units linked from its pages."""
    status, response, _ = session.request("GET", f"/analysis/{FRAMEWORK}/")
    location = response.getheader("Location", "")
    found = re.search(rf"/analysis/{FRAMEWORK}/([^/]+)/$", location)
    if status != 302 or found is None:
        raise RuntimeError(f"/analysis/{FRAMEWORK}/ answered {status} {location!r}")
    period = found.group(1)
    units: set[str] = set()
    for path in (f"/analysis/{FRAMEWORK}/{period}/", f"/scores/{FRAMEWORK}/{period}/"):
        _, _, page = session.request("GET", path)
        pattern = rf"/analysis/{FRAMEWORK}/{period}/units/(\d+)/".encode()
        units.update(match.decode() for match in re.findall(pattern, page))
    if not units:
        raise RuntimeError("no unit portrait linked from the overview or the ranking")
    return period, sorted(units)


@dataclass
class Results:
    samples: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, elapsed_ms: float, error: str | None) -> None:
        with self.lock:
            self.samples[page].append(elapsed_ms)
            if error is not None:
                self.errors[page] += 1
                if len(self.examples) < 10:
                    self.examples.append(error)


def user_loop(
    session: Session, period: str, units: list[str], until: float, think: float, results: Results
) -> None:
    rng = random.Random()
    turn = rng.randrange(len(PAGES))
    # Users arrive over one pause rather than all in the same instant, as people do; a
    # synchronised start would only measure a queue of 50 simultaneous first clicks.
    if think:
        time.sleep(rng.uniform(0, think))
    while time.monotonic() < until:
        page = PAGES[turn % len(PAGES)]
        turn += 1
        if page == "overview":
            path = f"/analysis/{FRAMEWORK}/{period}/"
        elif page == "portrait":
            path = f"/analysis/{FRAMEWORK}/{period}/units/{rng.choice(units)}/"
        else:
            path = f"/scores/{FRAMEWORK}/{period}/"
        start = time.perf_counter()
        try:
            status, _, _ = session.request("GET", path)
            error = None if status == 200 else f"{status} {path}"
        except (OSError, http.client.HTTPException) as exception:
            error = f"{type(exception).__name__} {path}"
        results.add(page, (time.perf_counter() - start) * 1000, error)
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of the live processes of the server's process group: what
    the server spent, whatever else the machine was doing meanwhile."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the ")" closing the command name: state, ppid, pgrp, ..., utime, stime.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        value = samples[0] if samples else float("nan")
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def run_in_threads(target, arguments: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    threads = [threading.Thread(target=target, args=args, daemon=True) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():  # a short join stays interruptible by Ctrl+C
            thread.join(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=5.0, help="mean pause in seconds")
    parser.add_argument("--server", choices=("gunicorn", "runserver"), default="gunicorn")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument("--var-dir", type=Path, default=Path("/tmp/qf-load"))
    parser.add_argument("--fresh", action="store_true", help="seed a new demo database")
    options = parser.parse_args()
    # Stopped from outside: leave through the finally below, which stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    port = free_port()
    env = server_env(options.var_dir, port, options.workers)
    prepare_database(options.var_dir, env, options.fresh)
    log = options.var_dir / f"{options.server}.log"
    server = start_server(options.server, env, port, log)
    try:
        wait_until_answering(port, server, log)
        sessions = [Session(port) for _ in range(options.users)]
        start = time.perf_counter()
        run_in_threads(Session.log_in, [(session,) for session in sessions])
        print(f"{options.users} users logged in in {time.perf_counter() - start:.1f} s")
        period, units = discover(sessions[0])

        results = Results()
        load_before = os.getloadavg()[0]
        server_cpu, own_cpu = group_cpu_seconds(server.pid), time.process_time()
        until = time.monotonic() + options.seconds
        started = time.perf_counter()
        run_in_threads(
            user_loop,
            [(s, period, units, until, options.think, results) for s in sessions],
        )
        elapsed = time.perf_counter() - started
        server_cpu = group_cpu_seconds(server.pid) - server_cpu
        own_cpu = time.process_time() - own_cpu
    finally:
        stop_server(server)

    workers = options.workers or 2 * (os.cpu_count() or 1) + 1
    label = f"gunicorn, {workers} workers" if options.server == "gunicorn" else "runserver"
    total = sum(len(s) for s in results.samples.values())
    print(
        f"{label}; {options.users} users, think {options.think:g} s, {elapsed:.0f} s, "
        f"{FRAMEWORK} {period}, {len(units)} units; {total} requests, {total / elapsed:.1f}/s; "
        f"{os.cpu_count()} cores, load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    print(
        f"server CPU {server_cpu:.1f} s = {server_cpu / total * 1000:.0f} ms a request "
        f"(so at most {os.cpu_count() or 1} cores / that = "
        f"{(os.cpu_count() or 1) * total / server_cpu:.0f} requests/s on this machine); "
        f"this client used {own_cpu:.1f} s of CPU"
    )
    print("| page | requests | errors | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|")
    for page in PAGES:
        p50, p95, p99 = percentiles(results.samples[page])
        print(
            f"| {page} | {len(results.samples[page])} | {results.errors[page]} "
            f"| {p50:.0f} | {p95:.0f} | {p99:.0f} |"
        )
    for example in results.examples:
        print("error:", example)


if __name__ == "__main__":
    main()
