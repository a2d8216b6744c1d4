"""What a seeding run did, for the command's summary and for tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


class DemoDataError(Exception):
    """The database holds something the demo data cannot be reconciled with (e.g. a SKU owned by another page)."""


@dataclass
class StoreLine:
    name: str
    url: str
    currency: str
    products: int
    variants: int
    collections: int


@dataclass
class SeedReport:
    created: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    stores: list[StoreLine] = field(default_factory=list)

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] += count

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.removed)

    def lines(self) -> list[str]:
        lines = [
            f"{line.name}: {line.url} ({line.currency}) - {line.products} products, "
            f"{line.variants} variants, {line.collections} collections"
            for line in self.stores
        ]
        if not self.changed:
            lines.append("The demo data was already in place: nothing created or changed.")
            return lines
        created = ", ".join(f"{count} {kind}" for kind, count in sorted(self.created.items()) if count)
        lines.append(f"Created: {created}.")
        if +self.removed:
            removed = ", ".join(f"{count} {kind}" for kind, count in sorted(self.removed.items()) if count)
            lines.append(f"Removed: {removed}.")
        return lines
