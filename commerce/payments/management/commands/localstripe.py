"""Run localstripe (a fake Stripe API on loopback) for development and point its webhooks at
this site, so `make run` takes card payments with no Stripe account. Does nothing when real
Stripe keys are configured."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commerce.payments import localstripe


class Command(BaseCommand):
    help = "Start localstripe on loopback and register this site's webhook with it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--webhook", required=True, help="URL of this site's Stripe webhook endpoint.")

    def handle(self, *args, webhook: str, **options) -> None:
        url = settings.STRIPE_API_BASE or ""
        if url != settings.LOCALSTRIPE_URL:
            self.stdout.write("Real Stripe keys are configured: localstripe is not started.")
            return
        process = None
        if not localstripe.is_up(url):
            try:
                process = localstripe.start(url)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
        localstripe.register_webhook(url, target=webhook, secret=settings.STRIPE_WEBHOOK_SECRET)
        self.stdout.write(f"localstripe on {url}; webhooks go to {webhook}. Test card: 4242 4242 4242 4242.")
        if process is not None:
            try:
                process.wait()
            except KeyboardInterrupt:
                process.terminate()
