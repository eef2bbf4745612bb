#!/usr/bin/env python3
"""Benchmark: seed MariaDB, serve with gunicorn + production settings, load with wrk.

    make bench                              # full scale (1,000,000 appointments)
    make bench BENCH_ARGS="--scale 0.01"    # a quick run
    .venv/bin/python bench/run.py --help

Traffic goes to 127.0.0.1 only; every wrk run is bounded by --duration. The results table is
printed and written to bench/results.md (earlier runs are kept below the latest one).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results.md"
VENV_BIN = ROOT / ".venv" / "bin"
WORK = Path(tempfile.gettempdir()) / "bookmytoken-bench"
HOST = "127.0.0.1"


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- the machine: wrk, MariaDB, Redis ----------------------------------------------------------


def ensure_tools() -> None:
    if not shutil.which("wrk"):
        log("== wrk is missing: installing the bench system packages")
        subprocess.run([str(ROOT / "bin" / "system-deps"), "bench"], check=True)  # noqa: S603


def ensure_mariadb(db_name: str, user: str, password: str) -> None:
    def ping() -> bool:
        return (
            subprocess.run(
                ["mariadb-admin", "-uroot", "ping"],  # noqa: S607
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )

    if not ping():
        log("== Starting MariaDB")
        run_dir = ["install", "-d", "-o", "mysql", "-g", "root", "-m", "0755", "/run/mysqld"]
        subprocess.run(run_dir, check=True)  # noqa: S603
        daemon = ["start-stop-daemon", "--start", "--oknodo", "--background", "--exec"]
        daemon += ["/usr/sbin/mariadbd", "--", "--user=mysql", f"--bind-address={HOST}"]
        subprocess.run([*daemon, "--port=3306"], check=True)  # noqa: S603
        for _ in range(60):
            if ping():
                break
            time.sleep(1)
    if not ping():
        sys.exit("MariaDB is not running and could not be started (see .ci/run for set-up).")
    zones = subprocess.run(
        ["mariadb", "-uroot", "-N", "-e", "SELECT COUNT(*) FROM mysql.time_zone_name"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if zones == "0":  # local-time date truncation (reports) needs the time zone tables
        tzinfo = subprocess.run(
            ["mariadb-tzinfo-to-sql", "/usr/share/zoneinfo"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        subprocess.run(["mariadb", "-uroot", "mysql"], input=tzinfo, text=True, check=True)  # noqa: S607
    sql = f"""
        CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';
        CREATE USER IF NOT EXISTS '{user}'@'localhost' IDENTIFIED BY '{password}';
        GRANT ALL ON `{db_name}`.* TO '{user}'@'127.0.0.1';
        GRANT ALL ON `{db_name}`.* TO '{user}'@'localhost';
        FLUSH PRIVILEGES;
    """
    subprocess.run(["mariadb", "-uroot"], input=sql, text=True, check=True)  # noqa: S607


def recreate_database(db_name: str) -> None:
    sql = (
        f"DROP DATABASE IF EXISTS `{db_name}`; CREATE DATABASE `{db_name}` "
        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    )
    subprocess.run(["mariadb", "-uroot"], input=sql, text=True, check=True)  # noqa: S607


def mariadb_version() -> str:
    out = subprocess.run(
        ["mariadb", "-uroot", "-N", "-e", "SELECT VERSION()"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "unknown"


def start_redis() -> tuple[subprocess.Popen | None, str]:
    if not shutil.which("redis-server"):
        return None, ""
    port = free_port()
    command = ["redis-server", "--bind", HOST, "--port", str(port), "--save", ""]
    process = subprocess.Popen(  # noqa: S603
        [*command, "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return process, f"redis://{HOST}:{port}/0"
        except OSError:
            time.sleep(0.1)
    process.terminate()
    return None, ""


# --- pages ---------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str = ""
    as_user: str = ""  # "", "customer" or "provider"
    kind: str = "read"  # "ceiling", "read", "book"
    missing: str = ""  # why it was not measured


@dataclass
class Result:
    page: Page
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0
    requests: int = 0
    queries: int | None = None
    note: str = ""


def plan_pages(info) -> list[Page]:
    """The pages of issue 7, each only if the site has it; URLs reversed, not hard-coded."""
    from django.urls import NoReverseMatch, reverse

    from bookings.models import Appointment
    from wallet.models import WalletTransaction

    def url(name: str, *args, query: str = "") -> str:
        return reverse(name, args=args) + (f"?{query}" if query else "")

    slug, sid, day = info.bench_provider_slug, info.bench_service_id, info.busy_day
    wanted: list[tuple[str, str, str, object]] = [
        ("bare Django view (ceiling)", "", "ceiling", lambda: url("bench_bare")),
        ("home page", "", "read", lambda: url("home")),
        (
            "search (city + category)",
            "",
            "read",
            lambda: url("bookings:search", query="city=Bengaluru&category=clinic"),
        ),
        ("provider page", "", "read", lambda: url("bookings:provider", slug)),
        (
            "slot fragment, busy day",
            "",
            "read",
            lambda: url("bookings:slots", slug, sid, query=f"date={day}"),
        ),
        ("month availability", "", "read", lambda: url("bookings:book", slug, sid)),
        ("booking POST", "customer", "book", lambda: "(distinct free slots)"),
        ("wallet history (5,000 rows)", "provider", "read", lambda: url("wallet:home")),
    ]

    def invoice() -> str:
        for name in ("bookings:invoice", "bookings:invoice_pdf"):
            try:
                appointment = (
                    Appointment.objects.filter(provider_id=1, status="completed")
                    .order_by("-booking_date")
                    .first()
                )
                path = url(name, appointment.pk)
                # Seeded bookings skip their events, so issue this one's invoice (downloading
                # a document never writes): as its confirmation would have.
                from bookings.invoices import booking_invoice_issue
                from providers.models import Provider

                booking_invoice_issue(appointment=appointment, provider=Provider.objects.get(pk=1))
                return path
            except NoReverseMatch:
                continue
        txn = WalletTransaction.objects.filter(user_id=1, kind="topup").order_by("-id").first()
        return url("wallet:transaction_invoice", txn.pk)

    wanted.append(("invoice PDF", "provider", "read", invoice))
    pages = []
    for name, as_user, kind, make in wanted:
        try:
            pages.append(Page(name, make(), as_user, kind))
        except NoReverseMatch:
            pages.append(Page(name, as_user=as_user, kind=kind, missing="page not built yet"))
    return pages


# --- the server and its clients ------------------------------------------------------------------


def start_gunicorn(env: dict, port: int, workers: int | None) -> subprocess.Popen:
    server_env = {
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    if workers:
        server_env["GUNICORN_WORKERS"] = str(workers)
    log_file = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(  # noqa: S603
        [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=server_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    import requests

    for _ in range(100):
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {WORK / 'gunicorn.log'}")
        try:
            response = requests.get(
                f"http://{HOST}:{port}/healthz",
                headers={"X-Forwarded-Proto": "https"},
                timeout=2,
            )
            if response.status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.terminate()
    sys.exit(f"gunicorn did not become healthy; see {WORK / 'gunicorn.log'}")


def login(base: str, email: str, password: str) -> tuple[str, str]:
    """A real login through the site's form. Returns (Cookie header, CSRF token).

    The server sees HTTPS (X-Forwarded-Proto), so its cookies are Secure: they are carried by
    hand because this client talks plain HTTP to the loopback port."""
    import requests

    headers = {"X-Forwarded-Proto": "https", "Origin": base.replace("http://", "https://")}
    jar: dict[str, str] = {}

    def cookie_header() -> str:
        return "; ".join(f"{k}={v}" for k, v in jar.items())

    def remember(response) -> None:
        for cookie in response.cookies:
            jar[cookie.name] = cookie.value

    page = requests.get(f"{base}/accounts/login/", headers=headers, timeout=10)
    remember(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = requests.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={
            **headers,
            "Cookie": cookie_header(),
            "Referer": headers["Origin"] + "/accounts/login/",
        },
        allow_redirects=False,
        timeout=10,
    )
    remember(response)
    if response.status_code != 302 or "sessionid" not in jar:
        sys.exit(f"Login as {email} failed: HTTP {response.status_code}")
    # A fresh CSRF token for the logged-in session (login rotates it).
    home = requests.get(f"{base}/", headers={**headers, "Cookie": cookie_header()}, timeout=10)
    remember(home)
    token = jar.get("csrftoken", token)
    return cookie_header(), token


def wrk(url: str, args, *, script: str = "report.lua", extra: list[str] | None = None,
        headers: dict[str, str] | None = None, duration: int, threads: int) -> dict:  # fmt: skip
    command = [
        "wrk", f"-t{threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s",
        "-s", script, "-H", "X-Forwarded-Proto: https",
    ]  # fmt: skip
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    command.append(url)
    if extra:
        command += ["--", *extra]
    out = subprocess.run(  # noqa: S603
        command,
        cwd=BENCH / "wrk",
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))


def count_queries(page: Page, cookies: dict[str, str]) -> int:
    """Queries one request of ``page`` makes, counted in-process against the same database."""
    from http.cookies import SimpleCookie

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    if page.as_user:
        client.cookies = SimpleCookie(cookies[page.as_user])
    client.get(page.path)  # warm-up: first-request caches are not what a page costs
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path)
    if response.status_code != 200:
        raise RuntimeError(f"{page.name}: HTTP {response.status_code} for {page.path}")
    return len(queries)


def count_booking_queries(cookie: str, slots: list[tuple]) -> int:
    from http.cookies import SimpleCookie

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    client.cookies = SimpleCookie(cookie)
    (path1, day1, at1), (path2, day2, at2) = slots
    client.post(path1, {"date": day1, "time": at1, "note": ""})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path2, {"date": day2, "time": at2, "note": ""})
    if response.status_code != 302 or "/bookings/" not in response.headers.get("Location", ""):
        raise RuntimeError(f"booking POST did not book: HTTP {response.status_code}")
    return len(queries)


def count_all_queries(info) -> dict[str, int]:
    """Queries per request of every page, with sessions made in-process (no server needed)."""
    from django.test import Client

    from accounts.models import User
    from bench import seed as seeding

    def session_cookie(user) -> str:
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    customer = User.objects.filter(role=User.Role.CUSTOMER).order_by("id").first()
    provider = User.objects.get(email="provider1@bench.example.in")
    cookies = {"customer": session_cookie(customer), "provider": session_cookie(provider)}
    counts = {}
    for page in plan_pages(info):
        if page.missing or page.kind == "ceiling":
            continue
        if page.kind == "book":
            slots = seeding.free_booking_slots(info, 2, seed_value=11)
            posts = [(f"/providers/{slug}/book/{sid}/confirm/", d, t) for slug, sid, d, t in slots]
            counts[page.name] = count_booking_queries(cookies["customer"], posts)
        else:
            counts[page.name] = count_queries(page, cookies)
    return counts


def compare_queries(args) -> dict[str, int] | None:
    """Each page's queries on a smaller seed (its own database), counted in a child process."""
    if not args.compare_scale or args.compare_scale == args.scale:
        return None
    database = f"{args.database}_{args.compare_scale:g}".replace(".", "_")
    log(f"== Counting queries on a seed of scale {args.compare_scale:g} ({database})")
    command = [sys.executable, str(BENCH / "run.py"), "--queries-only", "--database", database]
    command += ["--scale", str(args.compare_scale)]
    out = subprocess.run(  # noqa: S603
        command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_QUERIES ")), None)
    if line is None:
        log(f"   could not count them:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        return None
    return json.loads(line.removeprefix("BENCH_QUERIES "))


# --- the run -------------------------------------------------------------------------------------


LOAD_AT_START = 0.0


def main() -> None:
    global LOAD_AT_START
    LOAD_AT_START = os.getloadavg()[0]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 appointments")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per page; the table shows the median run"
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--database", default="booking_bench", help="MariaDB database name")
    parser.add_argument("--reseed", action="store_true", help="seed even if already seeded")
    parser.add_argument("--no-write", action="store_true", help="don't update results.md")
    parser.add_argument(
        "--only", default="", help="measure only pages whose name contains this (plus the ceiling)"
    )
    parser.add_argument(
        "--compare-scale",
        type=float,
        default=None,
        help="also count each page's queries on a seed of this scale (default: a tenth of "
        "--scale; 0 = don't)",
    )
    parser.add_argument("--queries-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare_scale is None:
        args.compare_scale = args.scale / 10

    WORK.mkdir(parents=True, exist_ok=True)
    ensure_tools()
    db_user, db_pass = "booking", "booking"
    ensure_mariadb(args.database, db_user, db_pass)
    redis_process, redis_url = start_redis()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": f"mysql://{db_user}:{db_pass}@{HOST}:3306/{args.database}",
        "REDIS_URL": redis_url,
        "EMAIL_URL": "dummymail://",
        "RAZORPAY_KEY_ID": "rzp_test_bench",
        "RAZORPAY_KEY_SECRET": "bench-secret",
        "RAZORPAY_WEBHOOK_SECRET": "bench-webhook-secret",
        "STATIC_ROOT": str(WORK / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    gunicorn = None
    try:
        marker = WORK / f"seeded-{args.database}.json"
        seeded = json.loads(marker.read_text()) if marker.exists() else None
        if args.reseed or not seeded or seeded.get("scale") != args.scale:
            log(f"== Seeding {args.database} at scale {args.scale}")
            recreate_database(args.database)
            marker.unlink(missing_ok=True)
        import django

        django.setup()
        from django.core.management import call_command

        from bench import seed as seeding

        call_command("migrate", verbosity=0, interactive=False)
        if not marker.exists():
            started = time.monotonic()
            info = seeding.seed(args.scale)
            info_dict = info.__dict__ | {"seconds": round(time.monotonic() - started)}
            marker.write_text(json.dumps(info_dict))
            log(f"   seeded in {info_dict['seconds']} s")
        info_dict = json.loads(marker.read_text())
        info = seeding.Seeded(**{k: v for k, v in info_dict.items() if k != "seconds"})
        if args.queries_only:
            print("BENCH_QUERIES " + json.dumps(count_all_queries(info)), flush=True)
            return
        call_command("collectstatic", interactive=False, verbosity=0)

        port = free_port()
        base = f"http://{HOST}:{port}"
        origin = f"https://{HOST}:{port}"
        log(f"== gunicorn (production settings) on {base}")
        gunicorn = start_gunicorn(env, port, args.workers)

        from accounts.models import User

        customers = list(
            User.objects.filter(role=User.Role.CUSTOMER)
            .order_by("id")
            .values_list("email", flat=True)[: args.connections]
        )
        log(f"== Logging in {len(customers)} customers and the bench provider")
        customer_sessions = [login(base, email, seeding.PASSWORD) for email in customers]
        provider_cookie, _ = login(base, "provider1@bench.example.in", seeding.PASSWORD)
        cookies = {"customer": customer_sessions[0][0], "provider": provider_cookie}

        pages = plan_pages(info)
        results: list[Result] = []
        ceiling = None
        for page in pages:
            result = Result(page)
            results.append(result)
            if page.missing:
                log(f"-- {page.name}: {page.missing}")
                continue
            if args.only and page.kind != "ceiling" and args.only not in page.name:
                page.missing = "not measured in this run (--only)"
                continue
            log(f"-- {page.name}: {page.path}")
            headers = {"Cookie": cookies[page.as_user]} if page.as_user else {}
            if page.kind == "book":
                measure_booking(args, info, base, origin, customer_sessions, result)
                continue
            result.queries = count_queries(page, cookies)
            if args.warmup:
                # PDFs load their fonts on each worker's first render: warm every worker up.
                warm = args.warmup * (3 if page.path.endswith(".pdf") else 1)
                wrk(base + page.path, args, headers=headers, duration=warm, threads=2)
            runs = [
                wrk(base + page.path, args, headers=headers, duration=args.duration, threads=2)
                for _ in range(max(args.repeat, 1))
            ]
            fill(result, median_run(runs))
            result.errors = sum(errors_of(run) for run in runs)  # any run's errors count
            if not result.requests:
                result.note = "no request finished within the run (each took over 10 s)"
            if page.kind == "ceiling":
                ceiling = result.rps
        smaller = compare_queries(args)
        write_results(args, info_dict, results, ceiling, redis_url, smaller)
    finally:
        if gunicorn:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=60)
        if redis_process:
            redis_process.terminate()
            redis_process.wait(timeout=10)


def median_run(runs: list[dict]) -> dict:
    """Of several wrk reports of one page, the one with the median throughput."""
    return sorted(runs, key=lambda r: r["requests"] / max(r["duration_us"], 1))[len(runs) // 2]


def errors_of(data: dict) -> int:
    return sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))


def fill(result: Result, data: dict) -> None:
    seconds = data["duration_us"] / 1e6
    result.requests = data["requests"]
    result.rps = data["requests"] / seconds if seconds else 0.0
    result.p50, result.p95, result.p99 = (data[k] / 1000 for k in ("p50", "p95", "p99"))
    result.errors = errors_of(data)


def measure_booking(args, info, base, origin, sessions, result: Result) -> None:
    """POST bookings of distinct free slots; count the rows actually created and any slot
    holding more active bookings than the provider's capacity."""
    from django.db import connection

    from bench import seed as seeding
    from bookings.models import Appointment

    slots = seeding.free_booking_slots(info, 40_000)
    as_posts = [(f"/providers/{slug}/book/{sid}/confirm/", day, at) for slug, sid, day, at in slots]
    result.queries = count_booking_queries(sessions[0][0], as_posts[:2])
    as_posts = as_posts[2:]
    slots_file = WORK / "slots.tsv"
    users_file = WORK / "users.tsv"
    users_file.write_text("".join(f"{c}\t{t}\n" for c, t in sessions))
    threads = min(args.connections, len(sessions))
    repeat = max(args.repeat, 1)
    share = len(as_posts) // repeat
    runs = []  # (wrk's report, bookings created), each run with its own slots
    for n in range(repeat):
        mine = as_posts[n * share : (n + 1) * share]
        slots_file.write_text("".join(f"{p}\t{d}\t{t}\n" for p, d, t in mine))
        before = Appointment.objects.count()
        run = wrk(
            base + "/",
            args,
            script="book.lua",
            extra=[str(slots_file), str(users_file), str(threads), origin],
            duration=args.duration,
            threads=threads,
        )
        runs.append((run, Appointment.objects.count() - before))
    median = median_run([run for run, _made in runs])
    data, created = next((run, made) for run, made in runs if run is median)
    fill(result, data)
    # Every run counts for errors: a request that did not create its booking is one.
    refused = sum(max(run["requests"] - made, 0) for run, made in runs)
    http_errors = sum(run["status"] for run, _made in runs)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*) FROM (
                SELECT a.provider_id, a.booking_date, a.slot_time, COUNT(*) AS n, p.capacity
                FROM appointments a JOIN providers p ON p.id = a.provider_id
                WHERE a.status IN ('pending', 'confirmed')
                GROUP BY a.provider_id, a.booking_date, a.slot_time, p.capacity
                HAVING COUNT(*) > p.capacity
            ) overbooked
            """
        )
        overbooked = cursor.fetchone()[0]
    result.errors = sum(errors_of(run) for run, _made in runs) + refused
    seconds = data["duration_us"] / 1e6
    result.note = (
        f"{created:,} bookings created in the median run ({created / seconds:.0f}/s); over "
        f"all {len(runs)} runs {sum(made for _run, made in runs):,} created, {refused} refused "
        f"({http_errors} with an HTTP error), {overbooked} slots over capacity"
    )


def write_results(
    args, info: dict, results: list[Result], ceiling: float | None, redis: str, smaller=None
):
    small = f"queries at scale {args.compare_scale:g}" if smaller else ""
    rows = [
        "| page | requests/s | p50 ms | p95 ms | p99 ms | errors | queries/request "
        f"{'| ' + small + ' ' if small else ''}| share of ceiling |",
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if small else "") + "---:|",
    ]
    notes = []
    for r in results:
        if r.page.missing:
            dashes = "– | " * (7 if small else 6)
            rows.append(f"| {r.page.name} | {dashes}{r.page.missing} |")
            continue
        share = f"{100 * r.rps / ceiling:.0f} %" if ceiling else "–"
        queries = "–" if r.queries is None else str(r.queries)
        if small:
            counted = (smaller or {}).get(r.page.name)
            queries += (
                f" | {'0' if r.page.kind == 'ceiling' else counted if counted is not None else '–'}"
            )
        rows.append(
            f"| {r.page.name} | {r.rps:,.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} "
            f"| {r.errors} | {queries} | {share} |"
        )
        if r.note:
            notes.append(f"- {r.page.name}: {r.note}")
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join(
        [
            f"## Run of {stamp}: scale {args.scale:g}",
            "",
            f"Data: {info['providers']:,} approved providers, {info['services']:,} services, "
            f"{info['appointments']:,} appointments over 90 days, {info['customers']:,} "
            f"customers; the bench provider has {info['wallet_rows']:,} wallet transactions "
            f"(seeded in {info.get('seconds', '?')} s).",
            f"Server: gunicorn {workers} sync workers, production settings "
            f"(bench.settings: + the bare view, rate limits off), MariaDB {mariadb_version()}, "
            f"cache {'Redis' if redis else 'local memory'}, CONN_MAX_AGE 60.",
            f"Load: wrk, {args.connections} connections, {args.repeat} runs of {args.duration} s "
            f"per page after {args.warmup} s warm-up (the median run is shown; errors count "
            f"from every run), all on {os.cpu_count()} cores ({cpu}) of one machine; "
            f"load average {LOAD_AT_START:.1f} when the run started (other work on the machine "
            "lowers every number).",
            "",
            *rows,
            "",
            *notes,
            "",
        ]
    )
    print()
    print(section)
    if args.no_write:
        return
    previous = RESULTS.read_text() if RESULTS.exists() else ""
    header = (
        "# Benchmark results\n\n"
        "Written by `make bench` (bench/run.py); the latest run first. Reproduce with "
        '`make bench` (full scale) or `make bench BENCH_ARGS="--scale 0.01"` (quick).\n\n'
    )
    older = previous.split("\n## ", 1)[1] if "\n## " in previous else ""
    RESULTS.write_text(header + section + ("\n## " + older if older else ""))
    log(f"\nWrote {RESULTS.relative_to(ROOT)}")
    # The README shows the latest table between its bench markers.
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        latest = section.replace("## Run of", "Latest run:", 1)
        readme.write_text(f"{before}{start}\n{latest}\n{end}{after}")
        log("Updated the table in README.md")


if __name__ == "__main__":
    main()
