"""The deploy files say what the README says, and the container's own commands work: gunicorn with
the image's config and production settings serves the health endpoints and logs JSON.
(Docker itself is not available on the test machines: the image build is not run here.)"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import yaml
from django.db import connection

from config.embedded_postgres import BASE_DIR

pytestmark = pytest.mark.ops


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())


def test_compose_runs_web_worker_scheduler_postgres_and_redis():
    services = compose()["services"]

    assert {"web", "worker", "scheduler", "db", "redis", "setup"} <= set(services)
    assert services["web"]["command"] == ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]
    assert services["worker"]["command"][2:] == [
        "rqworker",
        "default",
        "--job-class",
        "django_tasks_rq.Job",
        "--worker-class",
        "commerce.core.worker.Worker",
    ]
    assert services["scheduler"]["command"][2:] == ["maintain_store", "--every", "60"]
    for name in ("web", "worker", "scheduler", "setup"):
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    setup = " ".join(services["setup"]["command"])
    assert setup.index("db_roles --apply") < setup.index("migrate")  # roles first, then migrations
    assert services["web"]["depends_on"]["setup"]["condition"] == "service_completed_successfully"


def test_the_image_is_slim_non_root_with_production_settings_and_static_files():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert "FROM python:3.11-slim" in dockerfile
    assert "ENV" in dockerfile and "DJANGO_SETTINGS_MODULE=config.settings.production" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines and user_lines[-1] != "USER root"
    assert dockerfile.rindex("USER magpie") > dockerfile.rindex("RUN ")  # nothing runs as root afterwards
    assert ".venv" in (BASE_DIR / ".dockerignore").read_text()


def production_env(**extra: str) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{quote(str(db['HOST']), safe='')}:{db['PORT']}/{db['NAME']}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE", "REDIS"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-production-secret",
        "DJANGO_ALLOWED_HOSTS": "shop.example.com",
        "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "DATABASE_URL": url,
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_gunicorn_with_the_image_config_serves_health_and_logs_json():
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=BASE_DIR,
        env=production_env(PORT=str(port), WEB_CONCURRENCY="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                live = requests.get(f"{base}/health/live/", timeout=30)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, "gunicorn did not start"
                time.sleep(0.3)
        ready = requests.get(f"{base}/health/ready/", timeout=30)
        page = requests.get(f"{base}/cart/", headers={"Host": "shop.example.com"}, timeout=30, allow_redirects=False)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]

    assert live.status_code == 200 and live.json() == {"status": "ok"}  # plain HTTP, an IP as host
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}
    assert page.status_code == 301 and page.headers["Location"].startswith("https://")  # the rest is HTTPS only
    request_lines = [
        json.loads(line) for line in output.splitlines() if line.startswith("{") and '"request_finished"' in line
    ]
    assert request_lines and request_lines[-1]["request"] == "GET /cart/"
    assert request_lines[-1]["code"] == 301 and "request_id" in request_lines[-1]
