"""Print the demo's discount code and gift card, so a visitor can try both at checkout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from commerce.core.rls import runs_as_system
from demo.promotions import demo_promotion_lines


class Command(BaseCommand):
    help = "Print the demo stores' discount code and gift card."

    @runs_as_system("demo_offers")
    def handle(self, *args: Any, **options: Any) -> None:
        lines = demo_promotion_lines()
        if not lines:
            self.stdout.write("No demo offers: run `manage.py seed_demo` first.")
        for line in lines:
            self.stdout.write(line)
