"""localstripe, a fake Stripe API, run on loopback for development and tests.

Only used when no real Stripe key is configured; the gateway talks to it with the real SDK."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


def is_up(url: str) -> bool:
    request = urllib.request.Request(f"{url}/v1/customers", headers={"Authorization": "Bearer sk_test_up"})  # noqa: S310
    try:
        urllib.request.urlopen(request, timeout=1).read()  # noqa: S310 - a loopback URL from settings
    except (urllib.error.URLError, OSError):
        return False
    return True


def start(url: str, *, log_path: Path | None = None, timeout: float = 20.0) -> subprocess.Popen:
    """Start localstripe for ``url`` (http://127.0.0.1:PORT) and wait until it answers."""
    port = urllib.parse.urlsplit(url).port or 8420
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)  # var/bench/ on a fresh checkout
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed module
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while not is_up(url):
        if time.monotonic() > deadline or process.poll() is not None:
            process.terminate()
            raise RuntimeError(f"localstripe did not start on {url}")
        time.sleep(0.2)
    return process


def register_webhook(url: str, *, target: str, secret: str) -> None:
    """Have localstripe sign events with ``secret`` and post them to ``target``."""
    data = urllib.parse.urlencode({"url": target, "secret": secret}).encode()
    request = urllib.request.Request(f"{url}/_config/webhooks/magpie", data=data, method="POST")  # noqa: S310
    urllib.request.urlopen(request, timeout=5).read()  # noqa: S310 - a loopback URL from settings


def confirm_test_card(url: str, setup_intent_id: str, *, number: str = "4242424242424242") -> str:
    """What the shopper's browser does with Stripe.js on localstripe: a test card confirms the
    SetupIntent. Only for localstripe (the demo's ready-to-ship orders); returns the intent's status."""
    import json

    def post(path: str, fields: dict[str, str]) -> dict:
        request = urllib.request.Request(  # noqa: S310 - a loopback URL from settings
            f"{url}{path}",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Authorization": "Bearer sk_test_localstripe"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    card = {"card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123"}
    method = post("/v1/payment_methods", {"type": "card", **card})
    return post(f"/v1/setup_intents/{setup_intent_id}/confirm", {"payment_method": method["id"]})["status"]


def knows_payment_intent(url: str, intent_id: str) -> bool:
    """Whether this localstripe run holds the intent (it starts from scratch on every run)."""
    request = urllib.request.Request(  # noqa: S310 - a loopback URL from settings
        f"{url}/v1/payment_intents/{urllib.parse.quote(intent_id)}", headers={"Authorization": "Bearer sk_test_up"}
    )
    try:
        urllib.request.urlopen(request, timeout=2).read()  # noqa: S310
    except (urllib.error.URLError, OSError):
        return False
    return True
