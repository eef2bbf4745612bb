"""Where a POST's time goes inside the server: waiting for row locks, the other statements,
the commit, and the rest (Python: forms, templates, middleware). Bench-only: enabled by
``BENCH_SQL_TIMING=<dir>`` in bench/settings.py for one short extra run of the booking POST.

A ``SELECT ... FOR UPDATE`` is a primary-key lookup; nearly all of its time is the wait for the
row lock another booking of the same shop holds. Each worker adds its totals to
``<dir>/timing-<pid>.json`` after every POST (atomically); bench/run.py sums them.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.db import connections

TOTALS = {"requests": 0, "total": 0.0, "lock": 0.0, "queries": 0.0, "commit": 0.0, "statements": 0}


class SqlTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.folder = Path(os.environ["BENCH_SQL_TIMING"])

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        connection = connections["default"]
        spent = {"lock": 0.0, "queries": 0.0, "commit": 0.0, "statements": 0}

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                kind = "lock" if "FOR UPDATE" in sql.upper() else "queries"
                spent[kind] += time.perf_counter() - started
                spent["statements"] += 1

        commit = connection._commit

        def timed_commit():
            started = time.perf_counter()
            try:
                return commit()
            finally:
                spent["commit"] += time.perf_counter() - started

        started = time.perf_counter()
        connection._commit = timed_commit
        try:
            with connection.execute_wrapper(timed):
                response = self.get_response(request)
        finally:
            del connection._commit
        TOTALS["total"] += time.perf_counter() - started
        TOTALS["requests"] += 1
        for key, value in spent.items():
            TOTALS[key] += value
        # The pid of the worker, not of the master that built this middleware before forking.
        # Written whole and then renamed: a worker stopped mid-write leaves its last whole file.
        path = self.folder / f"timing-{os.getpid()}.json"
        scratch = path.with_suffix(".tmp")
        scratch.write_text(json.dumps(TOTALS))
        os.replace(scratch, path)
        return response
