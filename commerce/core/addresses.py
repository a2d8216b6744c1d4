"""A postal address as a value: what an order snapshots and a checkout carries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class PostalAddress:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    region: str = ""
    phone: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, str] | None) -> PostalAddress | None:
        if not data:
            return None
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def lines(self) -> list[str]:
        locality = " ".join(part for part in (self.postal_code, self.city) if part)
        return [line for line in (self.full_name, self.line1, self.line2, locality, self.region, self.country) if line]
