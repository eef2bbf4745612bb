#!/usr/bin/env python3
"""Benchmark: seed MariaDB, serve with gunicorn + production settings, load with wrk.

    make bench                                  # full scale (1,000,000 appointments), ~10 min
    make bench BENCH_ARGS="--quick"             # smoke check: small seed, short rows, no write
    make bench BENCH_ARGS="--label 'Realistic mix, after'"
    .venv/bin/python bench/run.py --help

Each read page is driven with a realistic mix of URLs drawn from the seeded database
(bench/mix.py, bench/wrk/mix.lua), once with the cache on (Redis) and once with it off
(DummyCache), beside a bare Django view served with no middleware (the ceiling) and with the
full middleware stack. Traffic goes to 127.0.0.1 only; every wrk run is bounded by --duration.
The results table is printed and written to bench/results.md (earlier runs are kept below).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results.md"
VENV_BIN = ROOT / ".venv" / "bin"
WORK = Path(tempfile.gettempdir()) / "bookmytoken-bench"
HOST = "127.0.0.1"


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


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


# --- the servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    """One gunicorn (deploy/gunicorn.conf.py) with one settings variant."""

    name: str
    process: subprocess.Popen
    base: str


SERVERS = {
    # key: (WSGI application, extra environment, what it is)
    "full": ("config.wsgi:application", {}, "full middleware stack, cache on (Redis)"),
    "nocache": (
        "config.wsgi:application",
        {"BENCH_CACHE": "off"},
        "full middleware stack, cache off (DummyCache)",
    ),
    "bare": ("bench.wsgi_bare:application", {}, "no middleware (the ceiling)"),
}


def start_gunicorn(env: dict, name: str, workers: int | None, extra: dict | None = None) -> Server:
    app, server_extra, _what = SERVERS.get(name, SERVERS["full"])
    port = free_port()
    server_env = {
        **env,
        **server_extra,
        **(extra or {}),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    if workers:
        server_env["GUNICORN_WORKERS"] = str(workers)
    log_path = WORK / f"gunicorn-{name}.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(  # noqa: S603
        [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", app],
        cwd=ROOT,
        env=server_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    import requests

    base = f"http://{HOST}:{port}"
    # The bare view is served by every variant (/healthz says 503 when the cache is off).
    for _ in range(150):
        if process.poll() is not None:
            sys.exit(f"gunicorn ({name}) exited; see {log_path}")
        try:
            response = requests.get(
                f"{base}/bench/bare", headers={"X-Forwarded-Proto": "https"}, timeout=2
            )
            if response.status_code == 200:
                return Server(name, process, base)
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.terminate()
    sys.exit(f"gunicorn ({name}) did not answer; see {log_path}")


def stop(server: Server | None) -> None:
    """Quick shutdown (SIGQUIT): the measurements are over, nothing in flight matters."""
    if server and server.process.poll() is None:
        server.process.send_signal(signal.SIGQUIT)
        try:
            server.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.process.kill()


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3 onwards), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _pids(match: Callable[[Path], bool]) -> list[int]:
    """The running processes whose /proc/PID directory ``match`` accepts."""
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and match(e)]


def workers_of(master_pid: int) -> list[int]:
    """The worker processes of a gunicorn master (its children)."""

    def child(entry: Path) -> bool:
        fields = _stat(entry.name)
        return bool(fields) and int(fields[1]) == master_pid

    return _pids(child)


def cpu_ticks(pids: list[int]) -> int:
    """User + system CPU of these processes so far, in clock ticks."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
    return total


def worker_memory(master_pid: int) -> dict:
    """RSS and PSS (MiB) of each worker of a gunicorn master, and of the master.

    RSS counts the pages a worker shares with the preloaded master; PSS divides shared pages
    among the processes sharing them, so PSS summed over the processes is what they really take."""

    def read(pid: int) -> tuple[float, float]:
        rss = pss = 0.0
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
        except OSError:
            pass
        return rss, pss

    workers = [read(pid) for pid in workers_of(master_pid)]
    return {"master": read(master_pid), "workers": sorted(workers)}


class CpuMeter:
    """CPU time per request of a row, split by who spent it: the gunicorn workers (the site),
    MariaDB's server process and wrk (the load). The rows' throughput is what two cores
    allow once all three are paid, so this is where each page's share of the ceiling goes.

    Read from /proc and getrusage around the measured runs (warm-up excluded); MariaDB's is
    the whole server's, and the bench is its only client while it runs."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, server: Server):
        self.workers = workers_of(server.process.pid)
        self.database = self._pids_named(("mariadbd", "mysqld"))
        self.start = self._read()

    @staticmethod
    def _pids_named(names: tuple[str, ...]) -> list[int]:
        def named(entry: Path) -> bool:
            try:
                return (entry / "comm").read_text().strip() in names
            except OSError:
                return False

        return _pids(named)

    def _read(self) -> tuple[float, float, float]:
        import resource

        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
        return (
            cpu_ticks(self.workers) / self.TICK,
            cpu_ticks(self.database) / self.TICK,
            children.ru_utime + children.ru_stime,
        )

    def per_request(self, requests: int) -> tuple[float, float, float] | None:
        """Milliseconds of CPU per request since the meter started: (site, MariaDB, wrk)."""
        if not requests:
            return None
        end = self._read()
        return tuple(1000 * (b - a) / requests for a, b in zip(self.start, end, strict=True))


def settle(server: Server, *, limit: float = 10.0) -> float:
    """Wait until the server's workers are idle, at most ``limit`` seconds; returns the wait.

    wrk abandons the requests in flight when a run ends, but sync workers still finish them:
    slow pages (an invoice PDF on a busy machine) would otherwise eat into the next row."""

    def busy_ticks() -> int:
        return cpu_ticks(workers_of(server.process.pid))

    started = time.monotonic()
    before = busy_ticks()
    while time.monotonic() - started < limit:
        time.sleep(0.5)
        now = busy_ticks()
        if now - before <= 5:  # under 50 ms of CPU in half a second: idle
            break
        before = now
    return time.monotonic() - started


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


def wrk(url: str, args, *, script: str = "mix.lua", extra: list[str] | None = None,
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


class RedisStats:
    """keyspace_hits and keyspace_misses of the bench's own Redis (nothing else uses it)."""

    def __init__(self, url: str):
        self.client = None
        if url:
            import redis

            self.client = redis.Redis.from_url(url)

    def read(self) -> tuple[int, int]:
        if not self.client:
            return 0, 0
        stats = self.client.info("stats")
        return stats["keyspace_hits"], stats["keyspace_misses"]


# --- the rows ------------------------------------------------------------------------------------

# (mix key, row name, logged in as). Each is measured with the cache on and with it off.
READ_PAGES = [
    ("home", "home page", ""),
    ("search", "search (city × category, some sorted or paged)", ""),
    ("provider", "provider page", ""),
    ("slots", "slot fragment (shop, service, day)", ""),
    ("api_slots", "API slot list (shop, service, day)", ""),
    ("month", "month availability (booking page)", ""),
    ("wallet", "wallet history (bench provider, by page)", "provider"),
    ("invoice", "invoice PDF (bench provider's bookings)", "provider"),
]
# Share of the ceiling each page must keep with the cache off (issue 14); others: no share target.
CACHE_OFF_SHARE = {"slots": 20, "month": 15, "provider": 15, "search": 10}


@dataclass
class Row:
    name: str
    kind: str  # "ceiling", "bare", "read", "book"
    server: str  # key of SERVERS
    key: str = ""  # mix key of a read page
    as_user: str = ""
    missing: str = ""
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0
    requests: int = 0
    hit_rate: float | None = None
    gets: float | None = None  # cache reads per request
    load: float = 0.0
    queries: str = "–"
    queries_small: str = "–"
    booked_per_s: float | None = None
    overbooked: int = 0
    cpu: tuple[float, float, float] | None = None  # ms per request: site, MariaDB, wrk
    note: str = ""

    @property
    def cache(self) -> str:
        return {"full": "on", "nocache": "off", "bare": "–"}.get(self.server, "on")


def plan_rows(mixes: dict[str, list[str]]) -> list[Row]:
    rows = [
        Row("Django view, no middleware (ceiling)", "ceiling", "bare"),
        Row("the same view, full middleware stack", "bare", "full"),
    ]
    for server in ("full", "nocache"):
        if server == "nocache":  # the machine's load drifts: measure the ceiling mid-way too
            rows.append(Row("Django view, no middleware (ceiling, mid-way)", "ceiling", "bare"))
        for key, name, as_user in READ_PAGES:
            row = Row(name, "read", server, key, as_user)
            if key not in mixes:
                row.missing = "page not on this site"
            rows.append(row)
    rows.append(Row("booking POST (distinct free slots)", "book", "full", as_user="customer"))
    rows.append(Row("API booking POST (distinct free slots)", "book", "full", "api_book",
                    as_user="customer"))  # fmt: skip
    rows.append(Row("Django view, no middleware (ceiling, again at the end)", "ceiling", "bare"))
    return rows


def median_run(runs: list[dict]) -> dict:
    """Of several wrk reports of one page, the one with the median throughput."""
    return sorted(runs, key=lambda r: r["requests"] / max(r["duration_us"], 1))[len(runs) // 2]


def errors_of(data: dict) -> int:
    return sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))


def fill(row: Row, data: dict) -> None:
    seconds = data["duration_us"] / 1e6
    row.requests = data["requests"]
    row.rps = data["requests"] / seconds if seconds else 0.0
    row.p50, row.p95, row.p99 = (data[k] / 1000 for k in ("p50", "p95", "p99"))
    row.errors = errors_of(data)


def measure_get(args, row: Row, server: Server, paths_file: Path, headers, redis) -> None:
    """Warm up, then ``--repeat`` runs over the page's mix; the median run is shown, errors count
    from every run, the cache hit rate is over all measured runs (warm-up excluded)."""
    if args.warmup:
        # PDFs load their fonts on each worker's first render: warm every worker up longer.
        warm = args.warmup * (3 if row.key == "invoice" else 1)
        wrk(server.base + "/", args, headers=headers, extra=[str(paths_file), "99"],
            duration=warm, threads=2)  # fmt: skip
    hits0, misses0 = redis.read()
    meter = CpuMeter(server)
    runs = [
        wrk(
            server.base + "/",
            args,
            headers=headers,
            extra=[str(paths_file), str(n + 1)],
            duration=args.duration,
            threads=2,
        )  # fmt: skip
        for n in range(max(args.repeat, 1))
    ]
    hits1, misses1 = redis.read()
    fill(row, median_run(runs))
    row.errors = sum(errors_of(run) for run in runs)
    hits, misses = hits1 - hits0, misses1 - misses0
    total = sum(run["requests"] for run in runs)
    row.cpu = meter.per_request(total)
    if row.server == "full" and hits + misses:
        row.hit_rate = hits / (hits + misses)
    if row.server == "full" and total:
        row.gets = (hits + misses) / total
    if total < 100:
        row.note = (
            f"only {total} requests finished in {len(runs)} runs of {args.duration} s: too few "
            "for these numbers to mean much"
        )


def booking_posts(info, count: int) -> list[tuple[str, str, str]]:
    """``count`` distinct free slots no seeded or earlier booking holds, as (path, day, time)."""
    from bench import seed as seeding

    slots = seeding.free_booking_slots(info, count, seed_value=random.randrange(1 << 30))
    return [(f"/providers/{slug}/book/{sid}/confirm/", day, at) for slug, sid, day, at in slots]


def api_booking_posts(info, count: int) -> list[tuple[str, str, str]]:
    """``count`` distinct free slots as (service id, day, time), for the API's booking POST."""
    from bench import seed as seeding

    slots = seeding.free_booking_slots(info, count, seed_value=random.randrange(1 << 30))
    return [(str(sid), day, at) for _slug, sid, day, at in slots]


def api_sessions(emails: list[str]) -> list[tuple[str, str]]:
    """An access token for each customer (as /api/v1/auth/login/ gives one to a device of
    theirs), as ("Bearer <token>", "") pairs: api_book.lua's users file."""
    from accounts.authentication import tokens_issue
    from accounts.models import Device, User

    pairs = []
    for user in User.objects.filter(email__in=emails).order_by("id"):
        device_id = f"bench-{user.pk:026d}"
        Device.objects.get_or_create(user=user, device_id=device_id,
                                     defaults={"user_agent": "bench"})  # fmt: skip
        access = tokens_issue(user=user, device_id=device_id, otp=False)["access"]
        pairs.append((f"Bearer {access}", ""))
    return pairs


def measure_booking(args, server: Server, sessions, row: Row, posts: list, *, runs: int,
                    script: str = "book.lua", target: str = "") -> int:  # fmt: skip
    """POST bookings of distinct free slots (``posts``, shared out between the runs); count the
    rows actually created and any slot of the shops and days booked that holds more active
    bookings than the shop's capacity. Returns the bookings made. ``script`` api_book.lua
    posts to the API (``target``: its path) with ``sessions`` of access tokens."""
    from django.db import connection
    from django.db.models import Max

    from bookings.models import Appointment

    def last_id() -> int:
        return Appointment.objects.aggregate(last=Max("id"))["last"] or 0

    origin = server.base.replace("http://", "https://")  # what the CSRF check expects
    slots_file = WORK / "slots.tsv"
    users_file = WORK / "users.tsv"
    users_file.write_text("".join(f"{c}\t{t}\n" for c, t in sessions))
    threads = min(args.connections, len(sessions))
    share = len(posts) // runs
    first = last_id()
    meter = CpuMeter(server)
    measured = []  # (wrk's report, bookings created), each run with its own slots
    for n in range(runs):
        mine = posts[n * share : (n + 1) * share]
        slots_file.write_text("".join(f"{p}\t{d}\t{t}\n" for p, d, t in mine))
        before = last_id()
        run = wrk(
            server.base + "/",
            args,
            script=script,
            extra=[
                str(slots_file),
                str(users_file),
                str(threads),
                target or origin,
                secrets.token_hex(6),
            ],  # fmt: skip
            duration=args.duration,
            threads=threads,
        )
        measured.append((run, Appointment.objects.filter(id__gt=before).count()))
    row.cpu = meter.per_request(sum(run["requests"] for run, _made in measured))
    median = median_run([run for run, _made in measured])
    data, created = next((run, made) for run, made in measured if run is median)
    fill(row, data)
    # Every run counts for errors: a request that did not create its booking is one.
    refused = sum(max(run["requests"] - made, 0) for run, made in measured)
    http_errors = sum(run["status"] for run, _made in measured)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*) FROM (
                SELECT a.provider_id, a.booking_date, a.slot_time, COUNT(*) AS n, p.capacity
                FROM appointments a
                JOIN providers p ON p.id = a.provider_id
                JOIN (SELECT DISTINCT provider_id, booking_date FROM appointments WHERE id > %s)
                    booked ON booked.provider_id = a.provider_id
                    AND booked.booking_date = a.booking_date
                WHERE a.status IN ('pending', 'confirmed')
                GROUP BY a.provider_id, a.booking_date, a.slot_time, p.capacity
                HAVING COUNT(*) > p.capacity
            ) overbooked
            """,
            [first],
        )
        row.overbooked = cursor.fetchone()[0]
    row.errors = sum(errors_of(run) for run, _made in measured) + refused
    seconds = data["duration_us"] / 1e6
    row.booked_per_s = created / seconds if seconds else 0.0
    row.note = (
        f"{created:,} bookings created in the median run ({row.booked_per_s:.0f}/s); over "
        f"all {len(measured)} runs {sum(made for _run, made in measured):,} created, {refused} "
        f"refused ({http_errors} with an HTTP error), {row.overbooked} slots over capacity"
    )
    return sum(made for _run, made in measured)


def booking_profile(args, env, sessions, posts: list) -> str:
    """One extra booking run on a server that times each POST's statements (bench/timing.py)."""
    timing_dir = WORK / "timing"
    shutil.rmtree(timing_dir, ignore_errors=True)
    timing_dir.mkdir(parents=True)
    server = start_gunicorn(env, "timing", args.workers, {"BENCH_SQL_TIMING": str(timing_dir)})
    try:
        log("   server up; booking")
        row = Row("booking POST, timed", "book", "timing")
        measure_booking(args, server, sessions, row, posts, runs=1)
    finally:
        log("   stopping the server")
        stop(server)
    totals: dict[str, float] = {}
    for path in timing_dir.glob("timing-*.json"):
        for key, value in json.loads(path.read_text()).items():
            totals[key] = totals.get(key, 0) + value
    n = totals.get("requests", 0)
    if not n:
        return "no POST was timed"
    ms = {k: 1000 * totals[k] / n for k in ("total", "lock", "queries", "commit")}
    rest = ms["total"] - ms["lock"] - ms["queries"] - ms["commit"]
    return (
        f"where a booking POST's time goes (a separate {args.duration} s run of {n:,} POSTs on "
        f"a server that times them, {row.booked_per_s or 0:.0f} bookings/s): "
        f"{ms['total']:.1f} ms in the server per POST = "
        f"{ms['lock']:.1f} ms in `SELECT … FOR UPDATE` (waiting for the shop's row lock) + "
        f"{ms['queries']:.1f} ms in the other {totals['statements'] / n - 1:.0f} statements + "
        f"{ms['commit']:.1f} ms commit + {rest:.1f} ms Python (middleware, forms, service, "
        "templates); the rest of the latency wrk sees is queueing for a free worker"
    )


WARNINGS: list[str] = []


# --- queries per request, in process --------------------------------------------------------------


def _client(cookie: str = ""):
    from http.cookies import SimpleCookie

    from django.test import Client

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    if cookie:
        client.cookies = SimpleCookie(cookie)
    return client


def count_queries(paths: list[str], cookie: str, *, cache_off: bool) -> str:
    """Queries per request over a sample of a page's mix, counted in-process against the same
    database: cache on, each URL's second request (a warm cache); cache off, with DummyCache."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    counts = []
    with override_settings(**({"CACHES": dummy} if cache_off else {})):
        client = _client(cookie)
        for path in paths:
            client.get(path)  # warm-up: first-request caches are not what a page costs
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                WARNINGS.append(f"in-process check: HTTP {response.status_code} for {path}")
                continue
            counts.append(len(queries))
    if not counts:
        return "–"
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}–{high}"


def count_booking_queries(cookie: str, slots: list[tuple]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(cookie)
    (path1, day1, at1), (path2, day2, at2) = slots
    key = secrets.token_hex(8)  # the form's one-time key, where the form has one
    client.post(path1, {"date": day1, "time": at1, "note": "", "idempotency_key": key + "a"})
    with CaptureQueriesContext(connection) as queries:
        data = {"date": day2, "time": at2, "note": "", "idempotency_key": key + "b"}
        response = client.post(path2, data)
    if response.status_code != 302 or "/bookings/" not in response.headers.get("Location", ""):
        raise RuntimeError(f"booking POST did not book: HTTP {response.status_code}")
    return len(queries)


def session_cookie(user) -> str:
    client = _client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def count_all_queries(info, mixes: dict[str, list[str]], cookies: dict[str, str], sample: int):
    """Queries per request of every row, keyed by (row name, cache)."""
    from bench import seed as seeding

    counts: dict[str, str] = {}
    for key, name, as_user in READ_PAGES:
        if key not in mixes:
            continue
        paths = list(dict.fromkeys(mixes[key]))[:sample]
        cookie = cookies.get(as_user, "")
        counts[f"{name}|on"] = count_queries(paths, cookie, cache_off=False)
        counts[f"{name}|off"] = count_queries(paths, cookie, cache_off=True)
    slots = seeding.free_booking_slots(info, 2, seed_value=random.randrange(1 << 30))
    posts = [(f"/providers/{slug}/book/{sid}/confirm/", d, t) for slug, sid, d, t in slots]
    counts["booking POST (distinct free slots)|on"] = str(
        count_booking_queries(cookies["customer"], posts)
    )
    return counts


def in_process_cookies() -> dict[str, str]:
    from accounts.models import User

    customer = User.objects.filter(role=User.Role.CUSTOMER).order_by("id").first()
    provider = User.objects.get(email="provider1@bench.example.in")
    return {"customer": session_cookie(customer), "provider": session_cookie(provider)}


def compare_queries(args) -> dict[str, str] | None:
    """Each row's queries on a smaller seed (its own database), counted in a child process."""
    if not args.compare_scale or args.compare_scale == args.scale:
        return None
    database = f"booking_bench_{args.compare_scale:g}".replace(".", "_")
    log(f"== Counting queries on a seed of scale {args.compare_scale:g} ({database})")
    command = [sys.executable, str(BENCH / "run.py"), "--queries-only", "--database", database]
    command += ["--scale", str(args.compare_scale), "--query-sample", str(args.query_sample)]
    command += ["--mix-size", str(max(args.query_sample * 50, 500))]
    out = subprocess.run(  # noqa: S603
        command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_QUERIES ")), None)
    if line is None:
        log(f"   could not count them:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        return None
    return json.loads(line.removeprefix("BENCH_QUERIES "))


def collect_static() -> None:
    """collectstatic, unless no static file changed since the last run (the manifest storage
    post-processes every file each time: half a minute on a busy machine)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    seen = []
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            seen.append(f"{path}:{os.stat(storage.path(path)).st_mtime_ns}")
    fingerprint = f"{settings.STATIC_ROOT}\n" + "\n".join(sorted(seen))
    marker = WORK / "static.fingerprint"
    if marker.exists() and marker.read_text() == fingerprint:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    marker.write_text(fingerprint)


# --- the run -------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=None, help="1.0 = 1,000,000 appointments")
    parser.add_argument("--duration", type=int, default=None, help="seconds per measured run (6)")
    parser.add_argument("--warmup", type=int, default=None, help="seconds of warm-up per row (2)")
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per row; the table shows the median (3)"
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument(
        "--database",
        default=None,
        help="MariaDB database (booking_bench at scale 1, else booking_bench_<scale>)",
    )
    parser.add_argument("--reseed", action="store_true", help="seed even if already seeded")
    parser.add_argument("--no-write", action="store_true", help="don't update results.md")
    parser.add_argument("--label", default="Realistic mix", help="heading of the run in results.md")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke check: scale 0.01, 3 s rows, one run each, no query comparison, no write",
    )
    parser.add_argument(
        "--only", default="", help="measure only rows whose name contains this (plus the ceiling)"
    )
    parser.add_argument("--mix-size", type=int, default=None, help="URLs drawn per page (20,000)")
    parser.add_argument(
        "--zipf", type=float, default=1.0, help="exponent of the shops' popularity (1 / rank**s)"
    )
    parser.add_argument(
        "--query-sample", type=int, default=None, help="URLs per page whose queries are counted"
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the timed booking run")
    parser.add_argument(
        "--compare-scale",
        type=float,
        default=None,
        help="also count each page's queries on a seed of this scale (default: a tenth of "
        "--scale; 0 = don't)",
    )
    parser.add_argument("--queries-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "scale": 0.01 if quick else 1.0,
        "duration": 3 if quick else 6,
        "warmup": 1 if quick else 2,
        "repeat": 1 if quick else 3,
        "mix_size": 2_000 if quick else 20_000,
        "query_sample": 2 if quick else 8,
    }
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.compare_scale is None:
        args.compare_scale = 0 if quick else args.scale / 10
    if quick:
        args.no_write = True
    if args.database is None:
        args.database = (
            "booking_bench"
            if args.scale == 1
            else f"booking_bench_{args.scale:g}".replace(".", "_")
        )
    return args


def main() -> None:
    started_at = time.monotonic()
    load_start = os.getloadavg()
    args = parse_args()

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
    for key in ("BENCH_CACHE", "BENCH_SQL_TIMING"):  # only the servers that need them get them
        env.pop(key, None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    servers: dict[str, Server] = {}
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

        from bench import mix
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

        log(f"== Drawing {args.mix_size:,} URLs per page (Zipf exponent {args.zipf:g})")
        data = mix.load()
        mixes = mix.draw(data, args.mix_size, zipf=args.zipf)
        if args.queries_only:
            counts = count_all_queries(info, mixes, in_process_cookies(), args.query_sample)
            print("BENCH_QUERIES " + json.dumps(counts), flush=True)
            return
        for key, paths in mixes.items():
            (WORK / f"mix-{key}.txt").write_text("\n".join(paths) + "\n")
        (WORK / "mix-bare.txt").write_text("/bench/bare\n")
        distinct = {key: len(set(paths)) for key, paths in mixes.items()}
        collect_static()

        rows = plan_rows(mixes)
        wanted = {row.server for row in rows if not args.only or args.only in row.name}
        wanted |= {"full", "bare"}
        for name in ("bare", "full", "nocache"):
            if name in wanted:
                log(f"== gunicorn: {SERVERS[name][2]}")
                servers[name] = start_gunicorn(env, name, args.workers)
        full = servers["full"]

        from accounts.models import User

        customers = list(
            User.objects.filter(role=User.Role.CUSTOMER)
            .order_by("id")
            .values_list("email", flat=True)[: args.connections]
        )
        log(f"== Logging in {len(customers)} customers and the bench provider")
        with ThreadPoolExecutor(max_workers=4) as pool:  # password hashing: a few at once
            provider = pool.submit(login, full.base, "provider1@bench.example.in", seeding.PASSWORD)
            customer_sessions = list(
                pool.map(lambda email: login(full.base, email, seeding.PASSWORD), customers)
            )
            provider_cookie, _ = provider.result()
        cookies = {"customer": customer_sessions[0][0], "provider": provider_cookie}

        redis = RedisStats(redis_url)
        memory: dict[str, dict] = {}
        spare: list = []  # free slots left for the timed booking run
        for row in rows:
            if row.missing:
                log(f"-- {row.name}: {row.missing}")
                continue
            if args.only and row.kind != "ceiling" and args.only not in row.name:
                row.missing = "not measured in this run (--only)"
                continue
            server = servers[row.server]
            log(f"-- {row.name} (cache {row.cache})")
            headers = {"Cookie": cookies[row.as_user]} if row.as_user else {}
            if row.kind == "book" and row.key == "api_book":
                from django.urls import reverse

                tokens = api_sessions(customers)  # fresh: access tokens live minutes
                measure_booking(args, server, tokens, row, api_booking_posts(info, 30_000),
                                runs=max(args.repeat, 1), script="api_book.lua",
                                target=reverse("api:bookings-list"))  # fmt: skip
            elif row.kind == "book":
                runs = max(args.repeat, 1)
                posts = booking_posts(info, 40_000)
                spare = posts[len(posts) * runs // (runs + 1) :]  # for the timed run
                measure_booking(args, server, customer_sessions, row, posts[: -len(spare)],
                                runs=runs)  # fmt: skip
            else:
                paths_file = WORK / f"mix-{row.key or 'bare'}.txt"
                measure_get(args, row, server, paths_file, headers, redis)
            row.load = os.getloadavg()[0]
            waited = settle(server)
            if waited > 2:
                log(f"   waited {waited:.0f} s for the workers to finish abandoned requests")
            # Memory once each server has served its pages (warm: caches, templates, fonts).
            last_of_server = all(
                later.server != row.server or later.kind in ("book", "ceiling") or later.missing
                for later in rows[rows.index(row) + 1 :]
            )
            if last_of_server and row.server not in memory:
                memory[row.server] = worker_memory(server.process.pid)
        profile = ""
        if spare and not args.no_profile:
            log("-- booking POST, timed inside the server")
            try:
                profile = booking_profile(args, env, customer_sessions, spare)
            except (subprocess.SubprocessError, RuntimeError, OSError, StopIteration) as exc:
                profile = f"the timed booking run failed: {exc!r}"
        log("== Stopping the servers")
        with ThreadPoolExecutor() as pool:  # each takes seconds to exit: all at once
            list(pool.map(stop, servers.values()))
        servers.clear()

        log("== Counting queries per request in process")
        counts = count_all_queries(info, mixes, in_process_cookies(), args.query_sample)
        smaller = compare_queries(args)
        for row in rows:
            if row.kind in ("ceiling", "bare"):
                row.queries = row.queries_small = "0"
                continue
            label = f"{row.name}|{row.cache}"
            row.queries = counts.get(label, "–")
            row.queries_small = (smaller or {}).get(label, "–")
        runtime = time.monotonic() - started_at
        write_results(args, info_dict, rows, memory, redis_url, smaller is not None, profile,
                      distinct, load_start, runtime)  # fmt: skip
    finally:
        for server in servers.values():
            stop(server)
        if redis_process:
            redis_process.terminate()
            redis_process.wait(timeout=10)


# --- the report ----------------------------------------------------------------------------------


def ceiling_of(rows: list[Row]) -> float | None:
    """The mean of the ceiling's measurements at the start, mid-way and at the end of the run."""
    measured = [r.rps for r in rows if r.kind == "ceiling" and r.rps]
    return sum(measured) / len(measured) if measured else None


def judge(row: Row, ceiling: float | None) -> tuple[str, str]:
    """The row's targets (issues 11 and 14) and whether it meets them: PASS, or MISS and what."""
    checks: list[tuple[str, bool]] = []
    share = 100 * row.rps / ceiling if ceiling else 0.0
    if row.kind == "bare":
        checks.append(("≥ 85 % of ceiling", share >= 85))
    elif row.kind == "read" and row.cache == "on":
        checks += [("≥ 15 %", share >= 15), ("p95 ≤ 50 ms", row.p95 <= 50)]
    elif row.kind == "read" and row.key in CACHE_OFF_SHARE:
        wanted = CACHE_OFF_SHARE[row.key]
        checks.append((f"≥ {wanted} %", share >= wanted))
    elif row.kind == "book":
        checks += [
            ("≥ 250 booked/s", (row.booked_per_s or 0) >= 250),
            ("0 over capacity", row.overbooked == 0),
        ]
    checks.append(("p99 ≤ 3×p50", row.p99 <= 3 * row.p50))
    checks.append(("0 errors", row.errors == 0))
    target = ", ".join(label for label, _ok in checks)
    missed = [label for label, ok in checks if not ok]
    return target, ("PASS" if not missed else "MISS: " + ", ".join(missed))


def write_results(args, info, rows, memory, redis, compared, profile, distinct, load_start,
                  runtime):  # fmt: skip
    ceiling = ceiling_of(rows)
    small = f"queries at scale {args.compare_scale:g}" if compared else ""
    table = [
        "| page | cache | req/s | p50 ms | p95 ms | p99 ms | errors | cache hit rate "
        "| cache reads/req | queries/req "
        f"{'| ' + small + ' ' if small else ''}| CPU ms/req: site + MariaDB + wrk "
        "| share of ceiling | load | target | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        + ("---:|" if small else "")
        + "---:|---:|---:|---|---|",
    ]
    notes = []
    for r in rows:
        if r.missing:
            dashes = "– | " * (13 if small else 12)
            table.append(f"| {r.name} | {r.cache} | {dashes}{r.missing} |")
            continue
        share = f"{100 * r.rps / ceiling:.0f} %" if ceiling else "–"
        hit = "–" if r.hit_rate is None else f"{100 * r.hit_rate:.0f} %"
        gets = "–" if r.gets is None else f"{r.gets:.1f}"
        target, verdict = judge(r, ceiling)
        queries = r.queries + (f" | {r.queries_small}" if small else "")
        cpu = "–" if r.cpu is None else " + ".join(f"{ms:.2f}" for ms in r.cpu)
        table.append(
            f"| {r.name} | {r.cache} | {r.rps:,.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} "
            f"| {r.errors} | {hit} | {gets} | {queries} | {cpu} | {share} | {r.load:.1f} "
            f"| {target} | {verdict} |"
        )
        if r.note:
            notes.append(f"- {r.name}: {r.note}")
    if profile:
        notes.append(f"- {profile}")
    notes += [f"- {w}" for w in dict.fromkeys(WARNINGS)]
    mem_rows = []
    for key, sample in memory.items():
        workers = sample["workers"]
        if not workers:
            continue
        rss = sorted(w[0] for w in workers)
        pss = sorted(w[1] for w in workers)
        mem_rows.append(
            f"| {SERVERS[key][2]} | {len(workers)} | {rss[0]:.0f}–{rss[-1]:.0f} "
            f"| {rss[len(rss) // 2]:.0f} | {pss[len(pss) // 2]:.0f} | {sample['master'][0]:.0f} |"
        )
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    workers = args.workers or (os.cpu_count() or 1) + 1  # deploy/gunicorn.conf.py's default
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_end = os.getloadavg()
    mixes = ", ".join(f"{key} {n:,}" for key, n in distinct.items())
    section = "\n".join(
        [
            f"## {args.label}: {stamp}, scale {args.scale:g}",
            "",
            f"Data: {info['providers']:,} approved providers, {info['services']:,} services, "
            f"{info['appointments']:,} appointments over 90 days, {info['customers']:,} "
            f"customers; the bench provider has {info['wallet_rows']:,} wallet transactions.",
            f"Server: gunicorn {workers} sync workers (deploy/gunicorn.conf.py), production "
            f"settings (bench.settings: + the bare view, rate limits off), MariaDB "
            f"{mariadb_version()}, cache {'Redis' if redis else 'local memory'}, CONN_MAX_AGE 60.",
            f"Load: wrk, {args.connections} connections, {args.repeat} runs of {args.duration} s "
            f"per row after {args.warmup} s of warm-up (the median run is shown; errors count "
            f"from every run), all on {os.cpu_count()} cores ({cpu}) shared with other work. "
            f"Load average (1/5/15 min) {load_start[0]:.1f}/{load_start[1]:.1f}/"
            f"{load_start[2]:.1f} at the start, {load_end[0]:.1f}/{load_end[1]:.1f}/"
            f"{load_end[2]:.1f} at the end; the `load` column is the 1-minute average when the "
            f"row ended. Raw numbers move with that load: compare shares of the ceiling. "
            f"Whole run {runtime / 60:.1f} min.",
            "",
            "Method: each read row sends random lines of a file of "
            f"{args.mix_size:,} paths drawn from the seeded database (bench/mix.py, "
            "bench/wrk/mix.lua): shops by Zipf popularity (weight 1/rank"
            f"^{args.zipf:g} over the approved shops in a fixed shuffled order), services uniform "
            "among the shop's, days uniform over its booking horizon; search uniform over the "
            "real city × category pairs, a fifth sorted by price or soonest slot and a fifth on "
            "page 2 or 3; the wallet by page (weight 1/page^1.2); invoices uniform over the bench "
            f"provider's completed bookings. Distinct paths per page: {mixes}. "
            "*Cache on* is Redis as deployed; *cache off* is the same server code with "
            "`BENCH_CACHE=off` (Django's DummyCache: every page does its full work, sessions "
            "come from the database). *Cache hit rate* is keyspace_hits / (hits + misses) from "
            "Redis `INFO stats`, read before and after the measured runs of the row (warm-up "
            "excluded) on the bench's own Redis, which nothing else uses; every cache read "
            "counts (template fragments and low-level keys alike), so it is the share of cache "
            "lookups that found something, not a share of pages served without work; "
            "*cache reads/req* is hits + misses per request. *Queries/req* is counted in "
            "process on "
            f"{args.query_sample} distinct URLs of the mix (min–max; cache on: each URL's "
            "second request). The *ceiling* is the bare view served by its own gunicorn with "
            "`MIDDLEWARE = []` (bench/wsgi_bare.py), measured at the start, mid-way and at the "
            "end of the run; shares are of the mean of the three. The full-middleware row is "
            "the same view through the site's whole stack. *CPU ms/req* is the CPU time "
            "spent per request during the measured runs by the site's gunicorn workers, by "
            f"MariaDB's server process and by wrk (/proc and getrusage): {os.cpu_count()} "
            f"cores give {(os.cpu_count() or 1) * 1000:,} ms of CPU a second, so a page's "
            "throughput is bounded by that over the sum, and its share of the ceiling is about "
            "the ceiling's sum over the page's. Memory is read from /proc after each server "
            "served its pages.",
            "",
            *table,
            "",
            "| server | workers | RSS per worker MiB | median RSS | median PSS | master RSS |",
            "|---|---:|---:|---:|---:|---:|",
            *mem_rows,
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
        "`make bench` (full scale, about 10 minutes once seeded) or "
        '`make bench BENCH_ARGS="--quick"` '
        "(smoke check, nothing written).\n\n"
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
        latest = section.replace("## ", "Latest run: ", 1)
        readme.write_text(f"{before}{start}\n{latest}\n{end}{after}")
        log("Updated the table in README.md")


if __name__ == "__main__":
    main()
