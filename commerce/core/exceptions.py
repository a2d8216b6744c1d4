"""Errors the domain raises. Each carries a message a shopper or editor may see and, where it
concerns one input, the field it concerns, so views can answer with a form error or a 4xx JSON
body naming the field."""

from __future__ import annotations


class CommerceError(Exception):
    """Base for errors that are the caller's to fix (bad input, a rule not met)."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"error": self.code, "field": self.field, "message": self.message}


class NotFound(CommerceError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code="not_found")


class OutOfStock(CommerceError):
    def __init__(self, message: str, *, field: str | None = "quantity") -> None:
        super().__init__(message, field=field, code="out_of_stock")
