"""The tools' arguments as typed models: their JSON schemas are what the model sees, and every
call, from either planner, is validated through them (unknown fields are refused)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from commerce.insights.metrics_scope import Period

MAX_DAYS = 3 * 366


class StoreArgs(BaseModel):
    """Tools about now (stock): only which stores."""

    model_config = ConfigDict(extra="forbid")

    store_ids: list[int] | None = Field(
        default=None, description="Limit to these store ids; omit for all of the asker's stores."
    )


class LowStockArgs(StoreArgs):
    limit: int = Field(default=20, ge=1, le=50, description="How many variants to list (1-50), sold out first.")


class PeriodArgs(StoreArgs):
    """Local calendar days ``start``..``end`` (inclusive) in each store's time zone."""

    start: date = Field(description="First local day, YYYY-MM-DD.")
    end: date = Field(description="Last local day (inclusive), YYYY-MM-DD.")

    @model_validator(mode="after")
    def _bounded(self) -> PeriodArgs:
        if self.end < self.start:
            raise ValueError("end must be on or after start")
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValueError(f"a period may span at most {MAX_DAYS} days")
        return self

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


class TopArgs(PeriodArgs):
    limit: int = Field(default=10, ge=1, le=50, description="How many to list per currency (1-50).")
    by: Literal["revenue", "units"] = Field(default="revenue", description="Rank by revenue or by units sold.")


class SeriesArgs(PeriodArgs):
    interval: Literal["day", "week", "month"] = Field(
        default="day", description="One point per local day, ISO week (from Monday) or month."
    )
