"""The files in deploy/ work as written: gunicorn's config serves the app, the Passenger entry
point finds the project from cPanel's folder, and a server's .env selects production."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

from .test_production import BASE_DIR, PRODUCTION_ENV, run, run_python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serving_env(tmp_path) -> dict[str, str]:
    """Production settings on a scratch SQLite file, eager tasks, local-memory cache."""
    return {
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "REDIS_URL": "",
    }


def test_gunicorn_config_serves_the_app_behind_a_tls_proxy(tmp_path):
    port = free_port()
    env = {
        **serving_env(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env}
    server = subprocess.Popen(  # noqa: S603
        [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"http://127.0.0.1:{port}/healthz",
            headers={
                "Host": "bookmytoken.in",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.9",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 200
            assert json.loads(response.read())["status"] == "ok"
            assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Booting worker" in output
    # The access log line carries the forwarded client address.
    assert "203.0.113.9 - - " in output and '"GET /healthz HTTP/1.1" 200' in output


def test_passenger_entry_point_finds_the_project_from_its_own_folder(tmp_path):
    result = run_python(
        """
        import io, json, runpy
        module = runpy.run_path("deploy/cpanel/passenger_wsgi.py")
        app = module["application"]
        seen = {}
        def start_response(status, headers, exc_info=None):
            seen["status"] = status
            seen["headers"] = dict(headers)
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "QUERY_STRING": "",
            "SERVER_NAME": "bookmytoken.in", "SERVER_PORT": "443", "HTTP_HOST": "bookmytoken.in",
            "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False, "REMOTE_ADDR": "203.0.113.9", "SERVER_PROTOCOL": "HTTP/1.1",
        }
        body = b"".join(app(environ, start_response))
        print(json.dumps({"status": seen["status"], "body": json.loads(body)}))
        """,
        serving_env(tmp_path),
        cwd=BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    # Apache/Passenger terminates TLS itself and says so in wsgi.url_scheme: no redirect loop.
    assert values["status"] == "200 OK"
    assert values["body"]["database"] == "ok"


def test_a_servers_dot_env_selects_production_settings(tmp_path):
    """DJANGO_ENV=production in the checkout's .env (deploy/env.production) is enough for
    manage.py and Celery to run with production settings."""
    shutil.copytree(BASE_DIR / "config" / "settings", tmp_path / "config" / "settings")
    (tmp_path / "config" / "__init__.py").write_text("")
    (tmp_path / ".env").write_text(
        "\n".join(f"{key}={value}" for key, value in PRODUCTION_ENV.items()) + "\n"
    )
    code = """
        import sys
        sys.path.insert(1, {repo!r})
        import config.settings as s
        print(s.DEBUG, s.TEST_GATEWAY_ENABLED, s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS[0])
    """.replace("{repo!r}", repr(str(BASE_DIR)))
    result = run_python(code, {"PYTHONPATH": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True", "bookmytoken.in"]
    assert not (tmp_path / ".secret_key").exists()


def _settings_copy_with(tmp_path, make_env_file) -> tuple[str, object]:
    """A copy of config/settings in ``tmp_path`` whose .env ``make_env_file`` creates."""
    shutil.copytree(BASE_DIR / "config" / "settings", tmp_path / "config" / "settings")
    (tmp_path / "config" / "__init__.py").write_text("")
    make_env_file(tmp_path / ".env")
    code = """
        import sys
        sys.path.insert(1, {repo!r})
        import config.settings as s
        print("DEBUG", s.DEBUG, "TEST_GATEWAY", s.TEST_GATEWAY_ENABLED)
    """.replace("{repo!r}", repr(str(BASE_DIR)))
    return code, tmp_path


def test_a_dot_env_that_exists_but_cannot_be_read_stops_the_process(tmp_path):
    """Never a silent fallback to local settings (DEBUG on, test gateway on)."""
    code, folder = _settings_copy_with(tmp_path, lambda path: path.mkdir())
    result = run_python(code, {"PYTHONPATH": str(folder)}, cwd=folder)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert ".env exists but cannot be read" in result.stderr
    assert "DEBUG" not in result.stdout


def test_a_dot_env_owned_by_another_user_stops_the_process():
    """The case of the server: .env chmod 600 but owned by root, the site running as its user."""
    folder = Path(tempfile.mkdtemp(prefix="envfile-"))
    try:
        folder.chmod(0o755)

        def unreadable(path):
            path.write_text("DJANGO_ENV=production\n")
            path.chmod(0o000)

        code, _ = _settings_copy_with(folder, unreadable)
        args = [sys.executable, "-c", textwrap.dedent(code)]
        if os.geteuid() == 0:  # root reads any file: run as nobody, as a site user would
            args = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *args]
        env = {"PYTHONPATH": str(folder), "DJANGO_SETTINGS_MODULE": "config.settings"}
        result = run(args, env, cwd=folder)
        assert result.returncode != 0, result.stdout
        assert "Permission denied" in result.stderr
        assert ".env exists but cannot be read" in result.stderr
    finally:
        shutil.rmtree(folder)


def test_env_production_template_lists_what_production_requires():
    template = (BASE_DIR / "deploy" / "env.production").read_text()
    keys = {
        line.split("=", 1)[0]
        for line in template.splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    assert set(PRODUCTION_ENV) <= keys
    # As shipped (secrets left blank) it must not start: nobody runs on a template by accident.
    values = dict(
        line.split("=", 1)
        for line in template.splitlines()
        if line and not line.startswith("#") and "=" in line
    )
    result = run([sys.executable, "manage.py", "check"], values)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_wsgi_module_prepares_templates_and_url_tables_before_the_first_request(settings):
    """gunicorn preloads config.wsgi in its master: what it warms up is shared by every
    worker, so a freshly forked worker answers its first request without compiling anything."""
    from django.template import engines
    from django.urls import get_resolver

    from config.wsgi import warm_up

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    get_resolver()._reverse_dict.clear()
    warm_up()
    compiled = set(loader.get_template_cache)
    assert {"base.html", "home.html", "bookings/search.html"} <= compiled
    assert {code for code, _name in settings.LANGUAGES} <= set(get_resolver()._reverse_dict)
