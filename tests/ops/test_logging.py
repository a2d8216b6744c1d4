"""Structured logs as production writes them (JSON lines): one line per request with its id, user id
and timing, never an email; the jobs a request enqueued log the same request id, in-process and
on a real RQ worker."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils

from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import ProductPageFactory
from tests.ops.conftest import LogCapture, needs_redis, run_worker, use_rq

pytestmark = pytest.mark.ops

REDIS_URL = "redis://127.0.0.1:6379/14"


def requests(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["event"] in ("request_finished", "request_failed")]


@pytest.mark.django_db
def test_one_line_per_request_with_id_timing_and_no_query_string(client, store, log_lines):
    response = client.get("/cart/?email=ada@example.com")

    lines = log_lines()
    (line,) = requests(lines)
    assert response.status_code == 200
    assert line["request"] == "GET /cart/"
    assert line["code"] == 200
    assert line["level"] == "info"
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]
    assert not [other for other in lines if other["event"] == "request_started"]
    assert "ada@example.com" not in json.dumps(lines)


@pytest.mark.django_db
def test_the_user_id_never_the_email(client, store, log_lines):
    from commerce.accounts.models import User

    user = User.objects.create_user(email="grace@example.com", password="correct-horse-battery-42")
    client.force_login(user)

    client.get("/account/")

    (line,) = requests(log_lines())
    assert line["user_id"] == user.pk
    assert "grace@example.com" not in json.dumps(log_lines())


def publish_a_product(client, store, log_lines: LogCapture) -> str:
    """An editor publishes a product: the search index job is enqueued when the edit commits.
    Returns the request id of that request; the log holds only what followed the request."""
    client.force_login(WagtailTestUtils.create_superuser("editor", "editor@example.com", "pw"))
    product = ProductPageFactory(store=store, title="Shirt", variants=1)
    data = product_edit_data(product, title="Linen shirt", variants=[variant_data(product.variants.get())])
    log_lines.clear()  # creating the product ran jobs of its own, outside any request
    if django_settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
        import django_rq

        django_rq.get_queue("default").empty()

    response = client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)

    assert response.status_code == 302
    return response["X-Request-ID"]


@pytest.mark.django_db(transaction=True)
def test_a_job_run_in_process_logs_the_request_id(client, store, log_lines):
    request_id = publish_a_product(client, store, log_lines)

    lines = log_lines()
    jobs = [line for line in lines if line["event"] in ("task_started", "task_finished")]
    assert "modelsearch.tasks.insert_or_update_object_task" in {line["task"] for line in jobs}
    assert all(line["request_id"] == request_id and line["task_id"] for line in jobs)
    assert all(line["status"] == "SUCCESSFUL" for line in jobs if line["event"] == "task_finished")
    (request_line,) = requests(lines)
    assert "task_id" not in request_line  # the job's id is unbound once it is done


def editor_id() -> int:
    from commerce.accounts.models import User

    return User.objects.get(email="editor@example.com").pk


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_job_on_an_rq_worker_logs_the_request_id_of_the_request_that_enqueued_it(client, store, settings, log_lines):
    queue = use_rq(settings, REDIS_URL)

    request_id = publish_a_product(client, store, log_lines)
    assert queue.count >= 1  # queued, not run
    assert all(job.meta["log_context"] == {"request_id": request_id, "user_id": editor_id()} for job in queue.jobs)
    run_worker(queue)

    jobs = [line for line in log_lines() if line["event"] in ("task_started", "task_finished")]
    assert "modelsearch.tasks.insert_or_update_object_task" in {line["task"] for line in jobs}
    assert all(line["request_id"] == request_id for line in jobs)
    assert all(line["status"] == "SUCCESSFUL" for line in jobs if line["event"] == "task_finished")
    assert all(line["task_id"] for line in jobs)


@pytest.mark.django_db
def test_a_failed_request_logs_one_line_with_the_error_and_no_email(settings, store, log_lines):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.ops.failing_views"

    response = Client(raise_request_exception=False).post("/ops-test/fail/", {"email": "ada@example.com"})

    lines = log_lines()
    (line,) = requests(lines)
    assert response.status_code == 500
    assert line["event"] == "request_failed"
    assert line["code"] == 500
    assert line["duration_ms"] >= 0
    assert "could not send the receipt to [email]" in line["exception"]
    assert "ada@example.com" not in json.dumps(lines)
