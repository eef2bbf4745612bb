"""In-process profile: each page's time per request through the WSGI handler, no server, no
network, compared within one run with the bare view through no middleware (the ceiling).

For a shared machine, where wrk numbers move with everyone else's load: the pages are timed in
interleaved rounds (every page once per round, the rounds repeated) and the median per request
of each page is shown, so a burst of load elsewhere touches every page alike. Uses a database
seeded by bench/run.py (``--database``; a small ``--scale`` is enough) and the cache off
(``DummyCache``: every page does its full work) unless ``--cache`` names a Redis URL.

    .venv/bin/python bench/inprocess.py --database booking_perf [--rounds 7] [--urls 40]

Instructions per request, which do not move with the machine's load: ``--callgrind PAGE``
requests each of ``--urls`` URLs of PAGE once (``bare`` and ``bare-full``: the bare view without
and with the middleware) inside ``math.fsum``, so that

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=math_fsum \
        .venv/bin/python bench/inprocess.py --callgrind slots --urls 30

counts those requests only (warm-up and start-up excluded): the ``summary`` line of the
callgrind.out file divided by ``--urls``.

Shares here are of the handler's time only; wrk's shares also carry gunicorn's and wrk's own
cost per request (a few hundred microseconds), so they are higher for slow pages and lower for
the middleware row than these.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def setup(database: str, cache: str) -> None:
    os.environ.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DATABASE_URL": f"mysql://booking:booking@{HOST}:3306/{database}",
            "EMAIL_URL": "dummymail://",
            "RAZORPAY_KEY_ID": "rzp_test_bench",
            "RAZORPAY_KEY_SECRET": "bench-secret",
            "RAZORPAY_WEBHOOK_SECRET": "bench-webhook-secret",
            "LOG_LEVEL": "WARNING",
        }
    )
    static_root = Path(tempfile.gettempdir()) / "bookmytoken-inprocess-static"
    os.environ.setdefault("STATIC_ROOT", str(static_root))
    if cache:
        os.environ["REDIS_URL"] = cache
    else:
        os.environ["BENCH_CACHE"] = "off"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def handlers():
    """The site's WSGI application and the same project with no middleware (the ceiling)."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    from config.wsgi import application

    stack = settings.MIDDLEWARE
    settings.MIDDLEWARE = []
    bare = WSGIHandler()
    settings.MIDDLEWARE = stack
    return application, bare


def environ(path: str, cookie: str = "", *, method: str = "GET", body: bytes = b"") -> dict:
    path_info, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": HOST,
        "HTTP_HOST": HOST,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    return env


def call(app, env: dict) -> str:
    status = []

    def start_response(s, headers, exc_info=None):
        status.append(s)

    result = app(env, start_response)
    try:
        for _chunk in result:
            pass
    finally:
        if hasattr(result, "close"):
            result.close()
    return status[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="booking_perf")
    parser.add_argument("--cache", default="", help="a Redis URL: cache on (default: off)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--urls", type=int, default=40, help="distinct URLs per page")
    parser.add_argument("--only", default="", help="comma-separated pages (bare is always in)")
    parser.add_argument("--queries", action="store_true", help="also count queries per request")
    parser.add_argument("--callgrind", default="", help="a page to request once per URL")
    args = parser.parse_args()
    setup(args.database, args.cache)
    if args.callgrind:
        return callgrind(args.callgrind, args.urls)

    from django.db import connection

    from bench import mix

    full, bare = handlers()
    mixes = mix.draw(mix.load(), args.urls * 4, seed_value=11)
    pages: dict[str, tuple[object, list[str]]] = {
        "bare view, no middleware": (bare, ["/bench/bare"] * args.urls),
        "bare view, full middleware": (full, ["/bench/bare"] * args.urls),
    }
    for key in ("home", "search", "provider", "slots", "month"):
        if key in mixes:
            pages[key] = (full, list(dict.fromkeys(mixes[key]))[: args.urls])
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        pages = {k: v for k, v in pages.items() if k.startswith("bare") or k in wanted}

    for app, paths in pages.values():  # warm-up: the first request of each URL is not the cost
        for path in paths:
            status = call(app, environ(path))
            if not status.startswith("200"):
                print(f"warning: {status} for {path}", file=sys.stderr)

    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.rounds):
        for name, (app, paths) in pages.items():
            envs = [environ(p) for p in paths]
            started = time.perf_counter()
            for env in envs:
                call(app, env)
            times[name].append((time.perf_counter() - started) / len(envs))

    queries: dict[str, float] = {}
    if args.queries:
        counter = [0]

        def count(execute, sql, params, many, context):
            counter[0] += 1
            return execute(sql, params, many, context)

        for name, (app, paths) in pages.items():
            counter[0] = 0
            with connection.execute_wrapper(count):
                for path in paths:
                    call(app, environ(path))
            queries[name] = counter[0] / len(paths)

    ceiling = statistics.median(times["bare view, no middleware"])
    print(f"{'page':32} {'median µs':>10} {'min µs':>9} {'share':>7} {'queries':>8}")
    for name, measured in times.items():
        median = statistics.median(measured)
        q = f"{queries[name]:.1f}" if name in queries else "–"
        print(
            f"{name:32} {median * 1e6:10.0f} {min(measured) * 1e6:9.0f} "
            f"{ceiling / median:7.1%} {q:>8}"
        )


def callgrind(page: str, count: int) -> None:
    import math

    from bench import mix

    full, bare = handlers()
    app = bare if page == "bare" else full
    if page in ("bare", "bare-full"):
        paths = ["/bench/bare"] * count
    else:
        paths = list(dict.fromkeys(mix.draw(mix.load(), count * 4, seed_value=11)[page]))[:count]
    for path in paths:  # warm-up: every URL once, as the timed rounds do
        call(app, environ(path))
    envs = [environ(path) for path in paths]

    def one(env: dict) -> float:
        call(app, env)
        return 0.0

    math.fsum(one(env) for env in envs)  # callgrind counts inside math_fsum only


if __name__ == "__main__":
    main()
