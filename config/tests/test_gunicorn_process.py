"""gunicorn's process settings: one worker more than the cores, recycled rarely, the preloaded
project frozen for GC."""

import json
import os

from .test_production import PRODUCTION_ENV, run_python


def test_workers_recycle_after_hours_of_traffic_and_the_master_freezes_its_objects(tmp_path):
    result = run_python(
        """
        import gc, json, runpy
        conf = runpy.run_path("deploy/gunicorn.conf.py")
        import config.wsgi  # what preload_app loads in the master
        assert gc.get_freeze_count() == 0
        conf["when_ready"](None)
        frozen = gc.get_freeze_count()
        conf["pre_fork"](None, None)
        print(json.dumps({
            "workers": conf["workers"],
            "max_requests": conf["max_requests"],
            "jitter": conf["max_requests_jitter"],
            "preload": conf["preload_app"],
            "frozen": frozen,
            "left": len(gc.get_objects()),
        }))
        """,
        {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    # CPU-bound sync workers: one spare process for the database waits, no more.
    assert values["workers"] == os.cpu_count() + 1
    # Hours at a busy worker's 100 requests/s, not seconds; restarts spread out.
    assert values["max_requests"] >= 360_000
    assert values["max_requests"] // 20 <= values["jitter"] < values["max_requests"]
    assert values["preload"] is True
    # The project's objects are frozen, so a worker's collections no longer walk them.
    assert values["frozen"] > 50_000
    assert values["left"] < values["frozen"] // 10
