"""Serve the fake Shippo API on loopback for development (``MAGPIE_FAKE_SHIPPO=1 make run``), so
live rates, labels and tracking work with no Shippo account. Parcels move on by themselves: every
``--step`` seconds each one takes its next carrier status (in transit, out for delivery, delivered)
and the fake posts Shippo's ``track_updated`` webhook to this site. Does nothing unless
``SHIPPO_API_BASE`` points at the fake."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from commerce.shipping.fake_shippo import FakeShippo

JOURNEY = (
    ("TRANSIT", "Accepted at the origin facility", ""),
    ("TRANSIT", "Out for delivery", "out_for_delivery"),
    ("DELIVERED", "Delivered, left at front door", ""),
)


class Command(BaseCommand):
    help = "Serve the loopback fake Shippo API and move parcels along, posting tracking webhooks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--webhook", required=True, help="URL of this site's Shippo webhook endpoint.")
        parser.add_argument("--step", type=float, default=60.0, help="Seconds between a parcel's carrier scans.")
        parser.add_argument("--once", action="store_true", help="Start, answer, and stop (for checks).")

    def handle(self, *args, webhook: str, step: float, once: bool, **options) -> None:
        base = settings.SHIPPO_API_BASE or ""
        if not base or base.rstrip("/") != settings.FAKE_SHIPPO_URL.rstrip("/"):
            self.stdout.write("Shippo is not pointed at the fake (set MAGPIE_FAKE_SHIPPO=1): not started.")
            return
        url = urllib.parse.urlsplit(base)
        fake = FakeShippo(host=url.hostname or "127.0.0.1", port=url.port or 8421).start()
        separator = "&" if "?" in webhook else "?"
        fake.webhook_url = f"{webhook}{separator}{urllib.parse.urlencode({'token': settings.SHIPPO_WEBHOOK_SECRET})}"
        self.stdout.write(f"fake Shippo on {fake.url}; tracking webhooks go to {webhook} every {step:g} s per parcel.")
        try:
            while not once:
                time.sleep(1)
                self._move_parcels(fake, step)
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()

    def _move_parcels(self, fake: FakeShippo, step: float) -> None:
        now = time.monotonic()
        for number, track in list(fake.tracks.items()):
            seen = fake.moved.setdefault(number, now)
            scans = len(track["tracking_history"])
            if scans >= len(JOURNEY) or now - seen < step:
                continue
            status, details, substatus = JOURNEY[scans]
            fake.advance(number, status, details, substatus=substatus)
            fake.moved[number] = now
            try:
                fake.send_webhook(number)
            except (urllib.error.URLError, OSError) as exc:
                self.stderr.write(f"webhook for {number} failed: {exc}")
                continue
            self.stdout.write(f"{number}: {details}")
