"""gunicorn settings for BookMyToken behind nginx.

    gunicorn -c deploy/gunicorn.conf.py

Every value can be overridden from the environment (the systemd unit and the benchmark do), so
one file serves a 2-core VPS and a bigger box alike.
"""

import gc
import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# nginx proxies to this address; never expose gunicorn to the internet directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")

# Sync workers, one more than the cores: nginx buffers slow clients, a request's database waits
# are a fraction of a millisecond each, so one spare process covers them, and every extra
# process only makes the CPUs switch between them. Measured on 2 cores with MariaDB beside
# (bench/results.md, CPU per request): with 5 workers instead of 3 a slot request cost 3.0 ms of
# CPU instead of 2.3 ms, and the read pages and booking POSTs lost 15-25 % of their throughput.
# With a remote database (longer waits per query) measure with more (GUNICORN_WORKERS).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak in any library cannot grow without bound, but
# rarely: a restart costs its worker a cold start and the requests queued behind it (the p99
# tail), so at 2,000 a busy worker restarted every second or two. A million requests is about
# three hours at 100 requests/s per worker and still a quarter of an hour at the benchmark's
# saturating rate. The jitter (10 %) keeps the workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", str(max_requests // 10)))

# Load Django once in the master and fork ready workers from it: a recycled worker serves its
# first request in milliseconds instead of importing the project for a second or more while
# requests queue behind it. Nothing opens a database or cache connection at import time, so
# no connection is shared across the fork. A code deploy therefore needs a restart, not a HUP.
preload_app = True


def when_ready(server) -> None:
    """The master has loaded and warmed up the project (config.wsgi): move every object it
    holds into the collector's permanent generation. Forked workers share those pages
    copy-on-write, and their garbage collections no longer walk (and so write to) the
    project's hundred thousand long-lived objects: shorter pauses, memory that stays shared."""
    gc.collect()
    gc.freeze()


def pre_fork(server, worker) -> None:
    # Whatever the master allocated since (a replaced worker's bookkeeping): frozen too.
    gc.freeze()


# Only nginx on this host may tell gunicorn the original scheme (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, which systemd's journal collects.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'

proc_name = "bookmytoken"
