"""Parallel buyers for the checkout scenario: each one a browser-like ``requests`` session on gunicorn.

The run has two phases, each timed on its own:

- *prepare*: every buyer, ``clients`` at a time, does what a shopper does up to a cart ready to pay,
  following redirects as a browser does: product page → add to cart → cart → contact → address →
  shipping choice → review → the payment page (which creates the SetupIntent).
- *place*: the prepared buyers race, ``clients`` at a time: the card confirmed on localstripe, as
  Stripe.js does → the payment POST the page's script sends (the order placed under the stock locks
  and paid) → the thank-you page.

Each buyer is a new visitor (own cookies, own session) behind the proxy with its own address
(``X-Forwarded-For``; the runner's gunicorn trusts it), so per-visitor throttles count each buyer
alone, as they would in production.

Outcomes: *completed* (paid, thank-you page shown), *sold out* (the store refused the last units
with its own 4xx message: in the cart or at payment, when another buyer took them first) or *error*
(anything else: a 5xx, an unexpected status, a connection failure).
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from commerce.payments.localstripe import confirm_test_card

from .cpu_share import CpuShare, cpu_share

TIMEOUT = 60
ADDRESS = {"full_name": "Bench Buyer", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345"}
_CLIENT_SECRET = re.compile(r'"clientSecret":\s*"([^"]+)"')
_SHIPPING_CHOICE = re.compile(r'name="shipping_method" value="([^"]+)"')
_COUNTRY_CHOICE = re.compile(r'<option value="([A-Z]{2})"[^>]*selected')
_REGION_FIELD = re.compile(r'name="region"')


@dataclass(frozen=True)
class Outcome:
    kind: str  # completed | sold_out | error
    seconds: float  # the buyer's whole journey: its prepare part plus its place part
    requests: int
    detail: str = ""
    place_seconds: float = 0.0  # card confirmed → thank-you page (0 when the buyer never got there)
    placed: bool = False  # the buyer took part in the place phase


def _percentile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[q - 1]


@dataclass
class CheckoutRun:
    clients: int
    buyers: int
    prepare_seconds: float = 0.0  # wall time of the prepare phase
    place_seconds: float = 0.0  # wall time of the place phase
    place_cpu: CpuShare = field(default_factory=CpuShare)  # where the CPU went in the place phase
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)

    @property
    def completed(self) -> int:
        return self.count("completed")

    @property
    def seconds(self) -> float:
        return self.prepare_seconds + self.place_seconds

    @property
    def per_second(self) -> float:
        """Whole journeys: completed checkouts over both phases' wall time."""
        return self.completed / self.seconds if self.seconds else 0.0

    @property
    def placed_per_second(self) -> float:
        """The target's figure: orders placed and paid per second of the place phase."""
        return self.completed / self.place_seconds if self.place_seconds else 0.0

    @property
    def placing(self) -> int:
        return sum(1 for o in self.outcomes if o.placed)

    @property
    def requests(self) -> int:
        return sum(o.requests for o in self.outcomes)

    def percentile_ms(self, q: int) -> float:
        """The q-th percentile of a completed checkout's journey (first page to thank-you), in ms."""
        return _percentile([o.seconds * 1000 for o in self.outcomes if o.kind == "completed"], q)

    def place_percentile_ms(self, q: int) -> float:
        """The q-th percentile of a completed placement (card confirmed to thank-you page), in ms."""
        return _percentile([o.place_seconds * 1000 for o in self.outcomes if o.kind == "completed"], q)

    def errors(self) -> list[str]:
        return [o.detail for o in self.outcomes if o.kind == "error"]


class _Refused(Exception):
    """The store said no with its own message (sold out): an expected outcome of the race."""


class _Unexpected(Exception):
    pass


_FAILURES = (_Unexpected, requests.RequestException, OSError, ValueError, KeyError)


class Buyer:
    """One visitor's session against ``base`` (gunicorn on loopback) answering as ``host``."""

    def __init__(self, *, base: str, host: str, localstripe: str, address: str) -> None:
        self.base, self.localstripe = base, localstripe
        self.session = requests.Session()
        self.session.headers.update({"Host": host, "X-Forwarded-For": address, "User-Agent": "magpie-bench-buyer"})
        self.requests = 0

    def _send(self, method: str, path: str, *, expect: tuple[int, ...] = (200,), **kwargs) -> requests.Response:
        self.requests += 1
        answer = self.session.request(method, self.base + path, timeout=TIMEOUT, **kwargs)
        self.requests += len(answer.history)
        if answer.status_code not in expect:
            raise _Unexpected(f"{method} {path} → {answer.status_code}: {answer.text[:160]!r}")
        return answer

    def _post_form(self, path: str, data: dict[str, str]) -> requests.Response:
        token = self.session.cookies.get("csrftoken", "")
        return self._send("POST", path, data={"csrfmiddlewaretoken": token, **data}, headers={"Referer": self.base})

    def _json_post(self, path: str, data: dict[str, str]) -> requests.Response:
        headers = {"Accept": "application/json", "X-CSRFToken": self.session.cookies.get("csrftoken", "")}
        return self._send("POST", path, data=data, headers=headers, expect=(200, 400, 402, 404, 409, 429))

    def prepare(self, *, product_path: str, variant_id: int) -> str:
        """Product page to the payment page: a cart ready to pay. Returns the SetupIntent's id."""
        self._send("GET", product_path)  # the page with the add-to-cart form (and the CSRF cookie)
        added = self._json_post("/cart/add/", {"variant_id": str(variant_id), "quantity": "1"})
        if added.status_code == 400:
            raise _Refused(f"cart: {added.json().get('message', '')}")
        if added.status_code != 200:
            raise _Unexpected(f"POST /cart/add/ → {added.status_code}: {added.text[:160]!r}")
        self._send("GET", "/cart/")
        contact = self._send("GET", "/checkout/")
        if not contact.url.endswith("/checkout/contact/"):
            raise _Refused(f"checkout sent the buyer to {contact.url}")
        address_page = self._post_form("/checkout/contact/", {"email": "buyer@example.com"})
        country = _COUNTRY_CHOICE.search(address_page.text)
        form = {**ADDRESS, "country": country.group(1) if country else "US"}
        if _REGION_FIELD.search(address_page.text):
            form["region"] = "NY"
        shipping_page = self._post_form("/checkout/address/", form)
        choice = _SHIPPING_CHOICE.search(shipping_page.text)
        if choice is None:
            raise _Unexpected(f"no shipping choice at {shipping_page.url}: {shipping_page.text[:160]!r}")
        review = self._post_form("/checkout/shipping/", {"shipping_method": choice.group(1)})
        if not review.url.endswith("/checkout/review/"):
            raise _Unexpected(f"shipping choice led to {review.url}")
        payment_page = self._send("GET", "/checkout/payment/")
        secret = _CLIENT_SECRET.search(payment_page.text)
        if secret is None:  # sent back to the cart: a line ran out meanwhile
            raise _Refused(f"payment page sent the buyer to {payment_page.url}")
        return secret.group(1).split("_secret_")[0]

    def place(self, setup_intent_id: str) -> None:
        """The card confirmed on localstripe, the payment POST (placing and paying), the thank-you page."""
        status = confirm_test_card(self.localstripe, setup_intent_id)
        if status != "succeeded":
            raise _Unexpected(f"localstripe answered {status} for the test card")
        paid = self._json_post("/checkout/payment/", {})
        body = paid.json()
        if paid.status_code == 400 and (
            body.get("error") == "out_of_stock" or body.get("field") in {"cart", "quantity"}
        ):
            raise _Refused(f"payment: {body.get('message', '')}")
        if body.get("status") != "paid":
            raise _Unexpected(f"payment answered {paid.status_code}: {body}")
        self._send("GET", body["redirect"])


@dataclass
class _Prepared:
    buyer: Buyer
    setup_intent_id: str
    seconds: float


def run_buyers(
    *,
    base: str,
    host: str,
    localstripe: str,
    products: list[dict],
    clients: int,
    buyers: int,
    say: Callable[[str], None],
    seed: int = 15,
) -> CheckoutRun:
    """``buyers`` checkouts, each buying one unit of a random contested product: first every buyer
    prepares a cart ready to pay (``clients`` at a time), then the prepared buyers race to place and
    pay (``clients`` at a time). Prints a progress line every tenth of the buyers in each phase."""
    rng = random.Random(seed)  # spreading buyers over products, not security
    plan = [rng.choice(products) for _ in range(buyers)]
    run = CheckoutRun(clients=clients, buyers=buyers)
    lock = threading.Lock()
    prepared: list[_Prepared] = []
    step = max(1, buyers // 10)

    def finish(outcome: Outcome, phase: str, done: int, of: int) -> None:
        run.outcomes.append(outcome)
        if done % step == 0 or done == of:
            say(
                f"  checkout {phase}: {done}/{of} buyers, {run.completed} completed, "
                f"{run.count('sold_out')} sold out, {run.count('error')} errors"
            )

    def prepare_one(index: int) -> None:
        buyer = Buyer(base=base, host=host, localstripe=localstripe, address=f"10.15.{index // 250}.{index % 250 + 1}")
        started = time.monotonic()
        outcome = None
        try:
            setup = buyer.prepare(product_path=plan[index]["path"], variant_id=plan[index]["variant_id"])
        except _Refused as refused:
            outcome = Outcome("sold_out", time.monotonic() - started, buyer.requests, str(refused))
        except _FAILURES as error:
            outcome = Outcome("error", time.monotonic() - started, buyer.requests, f"{type(error).__name__}: {error}")
        with lock:
            if outcome is None:
                prepared.append(_Prepared(buyer, setup, time.monotonic() - started))
            else:
                buyer.session.close()
                run.outcomes.append(outcome)
            done = len(prepared) + len(run.outcomes)
            if done % step == 0 or done == buyers:
                say(f"  checkout prepare: {done}/{buyers} buyers, {len(prepared)} ready to pay")

    def place_one(ready: _Prepared) -> None:
        buyer, started, kind, detail = ready.buyer, time.monotonic(), "completed", ""
        try:
            buyer.place(ready.setup_intent_id)
        except _Refused as refused:
            kind, detail = "sold_out", str(refused)
        except _FAILURES as error:
            kind, detail = "error", f"{type(error).__name__}: {error}"
        finally:
            buyer.session.close()
        placing = time.monotonic() - started
        outcome = Outcome(kind, ready.seconds + placing, buyer.requests, detail, place_seconds=placing, placed=True)
        with lock:
            finish(outcome, "place", run.placing + 1, len(prepared))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(prepare_one, range(buyers)))
    run.prepare_seconds = time.monotonic() - started
    say(f"  checkout: {len(prepared)} carts ready to pay in {run.prepare_seconds:.1f} s; placing")
    started = time.monotonic()
    with cpu_share() as run.place_cpu, ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(place_one, prepared))
    run.place_seconds = time.monotonic() - started
    return run
