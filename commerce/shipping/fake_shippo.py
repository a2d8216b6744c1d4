"""A fake Shippo API on loopback, stateful like localstripe is for Stripe.

The tests start it to drive the real ``shippo`` SDK over HTTP; ``manage.py fakeshippo`` serves it
for ``make run`` (when ``SHIPPO_API_BASE`` points at it) so labels and tracking work with no Shippo
account. It speaks the subset Magpie uses: shipments (with rates and address validation),
transactions (labels, listed by rate), refunds (voids) and tracks, and it posts ``track_updated``
webhooks. Inputs steer it the way carriers' test modes do: a destination street containing
"Nowhere" fails address validation, one containing "Unreachable" makes the carrier refuse;
``faults`` answer the next requests with an error or late (after doing the work, as a real
timeout may).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SERVICES = (  # carrier, token, name, base price, per kg, days
    ("USPS", "usps_ground_advantage", "Ground Advantage", Decimal("4.90"), Decimal("1.10"), 5),
    ("USPS", "usps_priority", "Priority Mail", Decimal("8.70"), Decimal("1.60"), 2),
    ("UPS", "ups_next_day_air", "Next Day Air", Decimal("24.50"), Decimal("3.20"), 1),
)
INVALID_STREET = "Nowhere"
REFUSED_STREET = "Unreachable"


@dataclass
class Fault:
    path: str  # a path prefix, e.g. "/shipments"
    status: int = 500  # the answer; 0 = do the work, answer normally but only after ``delay``
    delay: float = 0.0


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _id() -> str:
    return uuid.uuid4().hex


class FakeShippo:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, local_currency: str = "USD") -> None:
        self.local_currency = local_currency
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        self.rates: dict[str, dict] = {}
        self.transactions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.tracks: dict[str, dict] = {}
        self.webhook_url = ""
        self.moved: dict[str, float] = {}  # tracking number → when ``fakeshippo`` last moved it on
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeShippo:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.faults.clear()
            self.requests.clear()
            self.rates.clear()
            self.transactions.clear()
            self.refunds.clear()
            self.tracks.clear()

    def fail(self, path: str, *, status: int = 500, delay: float = 0.0, times: int = 1) -> None:
        self.faults.extend(Fault(path, status, delay) for _ in range(times))

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p in self.requests if m == method and p.startswith(path))

    # -- the carrier's side of tracking --------------------------------------------------------

    def advance(self, tracking_number: str, status: str, details: str = "", substatus: str = "") -> dict:
        """The carrier scans the parcel: a new status in its history (what the webhook carries)."""
        with self._lock:
            track = self.tracks[tracking_number]
            event = {
                "object_id": _id(),
                "object_created": _now(),
                "object_updated": _now(),
                "status": status,
                "status_details": details or status.replace("_", " ").capitalize(),
                "status_date": _now(),
                "substatus": {"code": substatus, "text": substatus.replace("_", " "), "action_required": False}
                if substatus
                else None,
                "location": {"city": "Springfield", "state": "IL", "zip": "62701", "country": "US"},
            }
            track["tracking_history"].append(event)
            track["tracking_status"] = event
            return json.loads(json.dumps(track))

    def webhook_body(self, tracking_number: str) -> bytes:
        return json.dumps({"event": "track_updated", "test": True, "data": self.tracks[tracking_number]}).encode()

    def send_webhook(self, tracking_number: str, url: str | None = None) -> int:
        request = urllib.request.Request(  # noqa: S310 - the URL this site registered (loopback in dev)
            url or self.webhook_url,
            data=self.webhook_body(tracking_number),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status

    # -- the API -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict, body: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/shipments":
            return 201, self._shipment(body)
        if method == "POST" and path == "/transactions":
            return 201, self._transaction(body)
        if method == "GET" and path == "/transactions":
            rate = (query.get("rate") or [""])[0]
            found = [t for t in self.transactions.values() if not rate or t["rate"] == rate]
            return 200, {"next": None, "previous": None, "results": found}
        if method == "GET" and path.startswith("/transactions/"):
            transaction = self.transactions.get(path.rsplit("/", 1)[-1])
            return (200, transaction) if transaction else (404, {"detail": "Not found."})
        if method == "POST" and path == "/refunds":
            return 201, self._refund(body)
        if method == "GET" and path.startswith("/tracks/"):
            _, _, carrier, number = path.split("/", 3)
            track = self.tracks.get(number)
            if track is None:
                return 404, {"detail": f"No tracking for {carrier} {number}."}
            return 200, track
        return 404, {"detail": "Not found."}

    def _shipment(self, body: dict) -> dict:
        to = body.get("address_to") or {}
        origin = body.get("address_from") or {}
        shipment_id = _id()
        parcel = (body.get("parcels") or [{}])[0]
        kg = Decimal(str(parcel.get("weight") or "0")) * (Decimal("0.001") if parcel.get("mass_unit") == "g" else 1)
        validation = None
        if to.get("validate"):
            valid = INVALID_STREET.lower() not in (to.get("street1") or "").lower()
            messages = (
                []
                if valid
                else [
                    {
                        "code": "Unknown Street",
                        "source": "USPS",
                        "text": "The street or postal code could not be found.",
                        "type": "address_error",
                    }
                ]
            )
            validation = {"is_valid": valid, "messages": messages}
        rates, messages, status = [], [], "SUCCESS"
        if validation and not validation["is_valid"]:
            pass
        elif REFUSED_STREET.lower() in (to.get("street1") or "").lower():
            status = "ERROR"
            messages = [{"source": "USPS", "code": "", "text": "The carrier does not deliver to this postal code."}]
        else:
            for carrier, token, name, base, per_kg, days in SERVICES:
                amount = (base + per_kg * kg).quantize(Decimal("0.01"))
                rate = {
                    "object_id": _id(),
                    "object_created": _now(),
                    "object_owner": "magpie@example.com",
                    "amount": str(amount),
                    "currency": "USD",
                    "amount_local": str(amount),
                    "currency_local": self.local_currency,
                    "attributes": [],
                    "carrier_account": f"acct_{carrier.lower()}",
                    "provider": carrier,
                    "servicelevel": {"name": name, "token": token, "terms": ""},
                    "estimated_days": days,
                    "shipment": shipment_id,
                    "test": True,
                }
                self.rates[rate["object_id"]] = {**rate, "address_to": to, "address_from": origin}
                rates.append(rate)
        return {
            "object_id": shipment_id,
            "object_created": _now(),
            "object_updated": _now(),
            "object_owner": "magpie@example.com",
            "metadata": "",
            "status": status,
            "address_from": {"country": origin.get("country", "US"), **_strip(origin)},
            "address_to": {"country": to.get("country", "US"), **_strip(to), "validation_results": validation},
            "carrier_accounts": [],
            "messages": messages,
            "parcels": [],
            "rates": rates,
            "test": True,
        }

    def _transaction(self, body: dict) -> dict:
        rate = self.rates.get(body.get("rate", ""))
        transaction_id = _id()
        base = {
            "object_id": transaction_id,
            "object_created": _now(),
            "object_updated": _now(),
            "object_owner": "magpie@example.com",
            "created_by": None,
            "rate": body.get("rate", ""),
            "metadata": body.get("metadata", ""),
            "test": True,
        }
        if rate is None:
            transaction = {
                **base,
                "status": "ERROR",
                "messages": [{"text": "This rate does not exist or has expired."}],
            }
        else:
            number = f"9400{uuid.uuid4().int % 10**18:018d}"
            transaction = {
                **base,
                "status": "SUCCESS",
                "messages": [],
                "tracking_number": number,
                "tracking_status": "PRE_TRANSIT",
                "tracking_url_provider": f"https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
                "label_url": f"{self.url}/labels/{transaction_id}.pdf",
            }
            self.tracks[number] = {
                "carrier": rate["provider"].lower(),
                "tracking_number": number,
                "messages": [],
                "tracking_history": [],
                "tracking_status": None,
                "transaction": transaction_id,
            }
        self.transactions[transaction_id] = transaction
        return transaction

    def _refund(self, body: dict) -> dict:
        transaction = self.transactions.get(body.get("transaction", ""))
        status = "SUCCESS" if transaction and transaction["status"] == "SUCCESS" else "ERROR"
        refund = {
            "object_id": _id(),
            "object_created": _now(),
            "status": status,
            "transaction": body.get("transaction"),
        }
        if status == "SUCCESS":
            transaction["status"] = "REFUNDED"
        self.refunds[refund["object_id"]] = refund
        return refund


def _strip(address: dict) -> dict:
    return {k: v for k, v in address.items() if k in {"name", "street1", "street2", "city", "state", "zip", "country"}}


def _handler(fake: FakeShippo) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:
            return

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            path = url.path.rstrip("/") or "/"
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if method == "GET" and path.startswith("/labels/"):
                return self._send(200, b"%PDF-1.4\n% fake label\n", "application/pdf")
            if not (self.headers.get("Authorization") or "").startswith("ShippoToken "):
                return self._json(401, {"detail": "Authentication credentials were not provided."})
            with fake._lock:
                fake.requests.append((method, path))
                fault = next((f for f in fake.faults if path.startswith(f.path)), None)
                if fault is not None:
                    fake.faults.remove(fault)
            if fault is not None and fault.status:
                time.sleep(fault.delay)
                return self._json(fault.status, {"detail": "Internal error."})
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self._json(400, {"detail": "Malformed JSON."})
            with fake._lock:
                status, answer = fake.handle(method, path, parse_qs(url.query), body)
            if fault is not None:
                time.sleep(fault.delay)
            self._json(status, answer)

        def _json(self, status: int, data: dict) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler
