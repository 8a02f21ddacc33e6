"""`manage.py check --deploy` is clean with production settings (and not with the defaults)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "HTTPS", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def test_check_deploy_clean_in_production():
    result = run_check({
        "DEBUG": "0", "HTTPS": "1", "SECRET_KEY": "x7#kq-production-secret-" + "a9Zp3" * 10,
        "ALLOWED_HOSTS": "tthc.khanhhoa.gov.vn",
    })
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_the_development_key():
    result = run_check({"DEBUG": "0", "HTTPS": "1", "ALLOWED_HOSTS": "tthc.khanhhoa.gov.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
