"""`make serve`'s production server: gunicorn with production settings, static files hashed and
served by WhiteNoise (no CDN, no separate web server)."""
import os
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def production_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(DEBUG="0", STATIC_MANIFEST="1", SECRET_KEY=secrets.token_hex(32), ALLOWED_HOSTS="127.0.0.1",
               DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen([str(gunicorn), "tthc_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)


def test_gunicorn_serves_the_login_page_and_hashed_static_files(production_server):
    with urllib.request.urlopen(f"{production_server}/dang-nhap/", timeout=10) as response:
        page = response.read().decode()
        assert response.status == 200
        assert response.headers["X-Frame-Options"] == "DENY"
    assert "Đăng nhập" in page
    css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
    assert css, "the stylesheet is served under its hashed name"
    with urllib.request.urlopen(production_server + css.group(1), timeout=10) as response:
        assert response.status == 200
        assert "max-age=315360000" in response.headers["Cache-Control"]
