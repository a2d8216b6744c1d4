"""Errors reach Sentry from web requests and RQ workers, with personal data scrubbed: checked on
what a loopback fake ingest server actually receives."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test import Client

from config.sentry import init_sentry
from tests.ops.conftest import needs_redis, run_worker, use_rq

pytestmark = pytest.mark.ops

REDIS_URL = "redis://127.0.0.1:6379/13"
PERSONAL = ("ada@example.com", "1 Main Street", "Ada Lovelace", "secret-session-key")


class FakeIngest(ThreadingHTTPServer):
    """Records every envelope POSTed to /api/<project>/envelope/ as a list of JSON items."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _IngestHandler)
        self.envelopes: list[list[dict]] = []
        self.raw: list[str] = []

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server_address[1]}/1"

    def events(self) -> list[dict]:
        return [item for envelope in self.envelopes for item in envelope if "exception" in item]


class _IngestHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the SDK prefers brotli whenever the package is installed
            import brotli

            body = brotli.decompress(body)
        text = body.decode()
        self.server.raw.append(text)
        self.server.envelopes.append([json.loads(line) for line in text.splitlines() if line.strip()])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def ingest():
    server = FakeIngest()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    init_sentry(dsn=server.dsn, environment="test")
    yield server
    sentry_sdk.init(dsn=None)  # no client: nothing is reported after this test
    server.shutdown()
    server.server_close()


def assert_scrubbed(server: FakeIngest) -> None:
    everything = "\n".join(server.raw)
    for value in PERSONAL:
        assert value not in everything


@pytest.mark.django_db
def test_a_failing_request_is_reported_without_personal_data(ingest, settings, store):
    settings.ROOT_URLCONF = "tests.ops.failing_views"
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "secret-session-key"

    response = client.post(
        "/ops-test/fail/", {"email": "ada@example.com", "line1": "1 Main Street", "full_name": "Ada Lovelace"}
    )
    sentry_sdk.flush(timeout=5)

    assert response.status_code == 500
    (event,) = ingest.events()
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "could not send the receipt to [email]"
    assert event["environment"] == "test"
    assert event["transaction"] == "/ops-test/fail/"
    assert not event.get("request", {}).get("data")  # no request body
    assert "cookies" not in event.get("request", {})
    assert "ip_address" not in event.get("user", {})
    assert_scrubbed(ingest)


@needs_redis
@pytest.mark.django_db
def test_a_failing_job_on_an_rq_worker_is_reported_without_personal_data(ingest, settings):
    from tests.ops.failing_jobs import fail_for_customer

    queue = use_rq(settings, REDIS_URL)

    fail_for_customer.enqueue("ada@example.com")
    run_worker(queue)
    sentry_sdk.flush(timeout=5)

    (event,) = ingest.events()
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["exception"]["values"][-1]["value"] == "no mailbox for [email]"
    assert event["extra"]["rq-job"]["func"] == "tests.ops.failing_jobs.fail_for_customer"
    assert_scrubbed(ingest)
