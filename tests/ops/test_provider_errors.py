"""Provider failures are bounded by timeouts and logged with their context, never personal data."""

from __future__ import annotations

import smtplib
import socket
import threading
import time

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from commerce.payments.gateway import _build, get_gateway
from commerce.payments.interface import GatewayError
from tests.ops.conftest import LogCapture

pytestmark = pytest.mark.ops


@pytest.fixture
def silent_server():
    """A loopback TCP server that accepts connections and never answers (a hung SMTP relay)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_smtp_gives_up_after_email_timeout(settings, silent_server):
    settings.EMAIL_TIMEOUT = 1
    backend = EmailBackend(host="127.0.0.1", port=silent_server)
    message = EmailMessage("Your order", "Thanks", "shop@example.com", ["ada@example.com"], connection=backend)

    started = time.monotonic()
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected), match="timed out"):
        message.send()

    assert backend.timeout == 1
    assert time.monotonic() - started < 5


def test_the_configured_email_timeout_is_set():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 10
    assert EmailBackend().timeout == 10


def test_a_failed_stripe_call_is_logged_with_its_context(settings, log_lines: LogCapture):
    settings.STRIPE_API_BASE = "http://127.0.0.1:1"  # nothing listens there
    _build.cache_clear()
    try:
        with pytest.raises(GatewayError):
            get_gateway().retrieve_setup_intent("seti_123")
    finally:
        _build.cache_clear()

    (line,) = [line for line in log_lines() if line["event"] == "stripe call failed"]
    assert line["level"] == "warning"
    assert line["provider"] == "stripe"
    assert line["error"] == "APIConnectionError"
    assert "retrieve" in line["operation"]
    assert line["declined"] is False
