"""Load test of the public questionnaire: many phones answering a campaign at once.

Usage:

    .venv/bin/python bench/survey_answers.py [--rate 200] [--seconds 30] [--units 200]
                                             [--threads 96] [--workers N] [--no-thanks]
                                             [--forms-first]

Seeds a SQLite database of its own in ``/tmp/qf-bench-survey`` (always afresh: ``migrate``
then a small seed of one county with ``--units`` units, a published questionnaire of six
questions and an open campaign with one link per unit), starts the production server on a
free loopback port (``scripts/serve.sh``: gunicorn, ``QINGFENG_DEBUG=0``, workers sized to
the cores unless ``--workers``), then drives answers at a FIXED rate (``--rate`` per second
for ``--seconds``), spread round-robin over the units' links so the per-link rate limit
(``SURVEY_ANSWERS_PER_MINUTE``, 120) is not what stops it. Each answer is one "browser" with
a fresh cookie jar: GET the form (CSRF cookie and token), POST the answers, and (unless
``--no-thanks``) GET the thanks page it is sent to, as a phone would. With
``--forms-first`` every phone opens its form before the measured window (people read the
questions for a minute or two before they send), so the window measures the answer
endpoint itself: the POSTs at the fixed rate. Every request carries
``X-Forwarded-Proto: https`` as nginx does.

Prints the achieved rate, p50/p95/max latency of each request kind and of a whole answer,
the errors (anything but the expected status; must be 0), the server's CPU time, and the
responses stored (must equal the answers sent). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # bench/load.py: the server and the browser session
    ROOT,
    Session,
    free_port,
    server_env,
    start_server,
    stop_server,
)

VAR_DIR = Path("/tmp/qf-bench-survey")
KINDS = ("form", "post", "thanks", "answer")


def seed(units: int) -> list[str]:
    """The small county, questionnaire and open campaign; the links' tokens."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from qingfeng.org.models import Region, RegionLevel, Unit, UnitCategory
    from qingfeng.org.services import category_save, region_save, unit_save
    from qingfeng.surveys import rules
    from qingfeng.surveys.models import (
        Campaign,
        Choice,
        Question,
        QuestionKind,
        Questionnaire,
        QuestionnaireVersion,
        SurveyLink,
        VersionStatus,
    )

    call_command("migrate", verbosity=0)
    county = region_save(region=Region(code="BQ", name="测试县", level=RegionLevel.COUNTY))
    category = category_save(category=UnitCategory(code="government", name="政府部门"))
    made = [
        unit_save(
            unit=Unit(code=f"BQ{n:04d}", name=f"测试单位{n}", category=category, region=county)
        )
        for n in range(units)
    ]
    questionnaire = Questionnaire.objects.create(code="Q-BENCH", name="满意度", region=county)
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        status=VersionStatus.PUBLISHED,
        title="群众满意度调查",
        intro="匿名填写。",
        published_at=timezone.now(),
    )
    for position in range(1, 5):
        Question.objects.create(
            version=version,
            position=position,
            code=f"q{position}",
            kind=QuestionKind.LIKERT,
            text=f"问题{position}",
        )
    single = Question.objects.create(
        version=version, position=5, code="q5", kind=QuestionKind.SINGLE, text="总体评价"
    )
    for position, (label, score) in enumerate([("好", 100.0), ("一般", 50.0), ("差", 0.0)], 1):
        Choice.objects.create(question=single, position=position, label=label, score=score)
    Question.objects.create(
        version=version, position=6, code="q6", kind=QuestionKind.TEXT, text="意见", required=False
    )
    campaign = Campaign.objects.create(
        code="SV-BENCH",
        name="压测调查",
        region=county,
        period="2026Q3",
        version=version,
        quota_tiers=rules.QuotaRule.from_json(settings.SURVEY_QUOTA).as_json(),
    )
    links = SurveyLink.objects.bulk_create(
        [SurveyLink(campaign=campaign, unit=unit, token=rules.new_token()) for unit in made]
    )
    return [link.token for link in links]


def stored() -> int:
    from qingfeng.surveys.models import SurveyResponse

    return SurveyResponse.objects.count()


@dataclass
class Results:
    samples: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[str] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)  # how late an answer started (s)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.samples[kind].append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


ANSWERS = {"q1": "5", "q2": "4", "q3": "4", "q4": "3", "q5": "1", "q6": "窗口服务态度很好。"}


@dataclass
class Phone:
    """A browser with the form open: its cookies, the link and the form's CSRF token."""

    browser: Session
    token: str
    csrf: str
    opened: float


def open_form(port: int, token: str, results: Results) -> Phone | None:
    """A fresh browser GETs the form (its CSRF cookie and token)."""
    browser = Session(port)
    started = time.perf_counter()
    status, _, page = browser.request("GET", f"/s/{token}/")
    results.add("form", time.perf_counter() - started)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or found is None:
        results.error(f"form {status}")
        return None
    return Phone(browser, token, found.group(1).decode(), started)


def submit(phone: Phone, thanks: bool, results: Results) -> None:
    """The phone POSTs its answers and (``thanks``) follows to the thanks page."""
    path = f"/s/{phone.token}/"
    posted = time.perf_counter()
    status, response, _ = phone.browser.request(
        "POST", path, {"csrfmiddlewaretoken": phone.csrf, **ANSWERS}
    )
    results.add("post", time.perf_counter() - posted)
    location = response.getheader("Location", "")
    if status != 302 or not location.endswith(f"/s/{phone.token}/thanks/"):
        results.error(f"post {status}")
        return
    if thanks:
        shown = time.perf_counter()
        status, _, _page = phone.browser.request("GET", f"/s/{phone.token}/thanks/")
        results.add("thanks", time.perf_counter() - shown)
        if status != 200:
            results.error(f"thanks {status}")
            return
    results.add("answer", time.perf_counter() - phone.opened)
    with results.lock:
        results.done += 1


def one_answer(port: int, token: str, thanks: bool, results: Results) -> None:
    """One phone: a fresh browser GETs the form, POSTs it, and follows to the thanks."""
    try:
        phone = open_form(port, token, results)
        if phone is not None:
            submit(phone, thanks, results)
    except OSError as error:
        results.error(f"{type(error).__name__}: {error}")


def open_forms(port: int, tokens: list[str], count: int, threads: int) -> list[Phone]:
    """``count`` phones with the form open, round-robin over the links, as fast as the
    server gives them (before the measured window: people read the questions first)."""
    results = Results()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        phones = list(
            pool.map(lambda i: open_form(port, tokens[i % len(tokens)], results), range(count))
        )
    if results.errors:
        raise RuntimeError(f"opening the forms failed: {results.errors[:5]}")
    return [phone for phone in phones if phone is not None]


def drive(
    port: int,
    tokens: list[str],
    rate: float,
    seconds: float,
    threads: int,
    thanks: bool,
    phones: list[Phone] | None = None,
) -> tuple[Results, float]:
    """Start answer i at t0 + i / rate (a fixed rate, whatever the server's pace): a whole
    answer (form, post, thanks), or only the post of ``phones`` that have the form open."""
    results = Results()
    total = int(rate * seconds)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        t0 = time.perf_counter()

        def scheduled(i: int) -> None:
            results.lag.append(time.perf_counter() - (t0 + i / rate))
            if phones is None:
                one_answer(port, tokens[i % len(tokens)], thanks, results)
                return
            try:
                submit(phones[i], thanks, results)
            except OSError as error:
                results.error(f"{type(error).__name__}: {error}")

        for i in range(total):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(scheduled, i)
    return results, time.perf_counter() - t0


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of a process group (from /proc): its live processes, and the
    workers gunicorn recycled (``--max-requests``) in their parent's children's time."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == root_pid:  # the process group id
            total += sum(int(value) for value in fields[11:15]) / tick
    return total


def ms(values: list[float], q: float) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="answers per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--threads", type=int, default=96)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--no-thanks", action="store_true", help="do not GET the thanks page")
    parser.add_argument(
        "--forms-first",
        action="store_true",
        help="open every phone's form before the measured window, which then holds the "
        "answer endpoint's POSTs only",
    )
    args = parser.parse_args()

    if VAR_DIR.exists():
        shutil.rmtree(VAR_DIR)
    VAR_DIR.mkdir(parents=True)
    port = free_port()
    env = server_env(VAR_DIR, port, args.workers)
    os.environ.update(env)
    started = time.perf_counter()
    tokens = seed(args.units)
    print(f"seeded {len(tokens)} units' links in {time.perf_counter() - started:.1f} s")

    log = VAR_DIR / "server.log"
    server = start_server("gunicorn", env, port, log)
    try:
        from load import wait_until_answering

        wait_until_answering(port, server, log)
        # A few answers to warm the workers up, then the measured run.
        warm, _ = drive(port, tokens, 20, 1, 8, not args.no_thanks)
        phones = None
        if args.forms_first:
            phones = open_forms(port, tokens, int(args.rate * args.seconds), args.threads)
            print(f"opened {len(phones)} forms before the measured window")
        before = stored()
        cpu_before = cpu_seconds(server.pid)
        load_before = os.getloadavg()[0]
        results, elapsed = drive(
            port, tokens, args.rate, args.seconds, args.threads, not args.no_thanks, phones
        )
        cpu = cpu_seconds(server.pid) - cpu_before
        count = stored() - before
    finally:
        stop_server(server)
    sent = int(args.rate * args.seconds)
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    print(
        f"{sent} answers at {args.rate:g}/s for {args.seconds:g} s over {len(tokens)} links, "
        f"{workers} gunicorn workers, {args.threads} client threads, "
        f"load {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    )
    print(
        f"achieved {results.done / elapsed:.1f} answers/s ({results.done} done in "
        f"{elapsed:.1f} s); start lag p50 {ms(results.lag, 0.5)} ms, max {ms(results.lag, 1)} ms"
    )
    print("kind     count   p50 ms   p95 ms   max ms")
    for kind in KINDS:
        values = results.samples[kind]
        print(
            f"{kind:<8} {len(values):>5} {ms(values, 0.5):>8} {ms(values, 0.95):>8} "
            f"{ms(values, 1.0):>8}"
        )
    print(
        f"errors: {len(results.errors)}" + (f" e.g. {results.errors[:5]}" if results.errors else "")
    )
    print(f"stored: {count} responses (expected {results.done}); warm-up {warm.done}")
    print(f"server CPU: {cpu:.1f} s ({1000 * cpu / max(results.done, 1):.1f} ms per answer)")
    if statistics.median(results.lag or [0]) > 1:
        print("NOTE: answers started late: the client or the server could not keep the rate")


if __name__ == "__main__":
    main()
