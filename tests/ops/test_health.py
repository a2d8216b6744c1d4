"""Liveness and readiness: up and down against the real database, Redis and storage; anonymous
callers learn only the status."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import connections

from config.embedded_postgres import BASE_DIR, stop

pytestmark = [pytest.mark.ops, pytest.mark.django_db]

TOKEN = "health-token-for-tests"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0?socket_connect_timeout=1"


@pytest.fixture
def on_rq(settings):
    """Background jobs on RQ with the real Redis on loopback, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/0"}}
    settings.MAGPIE_HEALTH_TOKEN = TOKEN
    return settings


def ready(client, *, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get("/health/ready/", HTTP_ACCEPT="application/json", **headers)


def test_liveness_answers_without_touching_anything(client):
    response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_everything_answers(client, on_rq):
    response = ready(client)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # nothing else for anonymous callers


def test_details_only_with_the_token(client, on_rq):
    detailed = ready(client, token=TOKEN)
    wrong = ready(client, token="guess")

    assert detailed.status_code == 200
    assert detailed.json() == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
        "TaskQueue(queue='default')": "OK",
    }
    assert wrong.json() == {"status": "ok"}


def test_redis_unreachable_makes_it_unready(client, on_rq):
    on_rq.RQ_QUEUES = {"default": {"URL": UNREACHABLE_REDIS}}
    on_rq.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    anonymous = ready(client)
    detailed = ready(client, token=TOKEN)

    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "unavailable"}
    details = detailed.json()
    assert detailed.status_code == 503
    assert details["TaskQueue(queue='default')"] == "Unavailable: queue unreachable"
    assert details["Cache(alias='default')"] != "OK"
    assert details["Database(alias='default')"] == "OK"
    assert "6379" not in json.dumps(details) and "127.0.0.1" not in json.dumps(details)


@pytest.fixture
def separate_database(tmp_path):
    """A database server of its own (never the suite's), which the test may stop."""
    data_dir = tmp_path / "pg"
    subprocess.run([sys.executable, "-m", "config.embedded_postgres", "start", str(data_dir)], cwd=BASE_DIR, check=True)
    yield data_dir
    stop(data_dir)


def test_a_stopped_database_makes_it_unready(client, on_rq, separate_database):
    """New connections (the check's own) go to a server that is then stopped; the request itself
    needs no database, so the answer is a 503, not a 500."""
    db_settings = connections.settings["default"]
    saved = {key: db_settings[key] for key in ("HOST", "USER", "NAME")}
    db_settings.update(HOST=str(separate_database), USER="postgres", NAME="postgres")
    try:
        assert ready(client).status_code == 200
        stop(separate_database)

        anonymous = ready(client)
        detailed = ready(client, token=TOKEN)
    finally:
        db_settings.update(saved)

    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "unavailable"}
    assert detailed.json()["Database(alias='default')"] != "OK"
    assert str(separate_database) not in detailed.content.decode()


def test_health_paths_skip_the_https_redirect_and_host_check(client, on_rq, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["shop.example.com"]

    assert client.get("/health/live/", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert ready(client).status_code == 200
    assert client.get("/cart/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # the rest still checks
