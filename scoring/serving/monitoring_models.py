"""The request of ``/monitoring``: a period of days, and the thresholds to hold it to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.monitoring.stability import ACT, WATCH

DEFAULT_DAYS = 30


def _tomorrow() -> date:
    return (datetime.now(UTC) + timedelta(days=1)).date()


class MonitoringRequest(BaseModel):
    """Days [since, until) of drift counts and decisions; by default the last 30 days and
    today."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"since": "2026-11-01", "until": "2026-12-01"}},
    )

    since: date | None = Field(
        default=None, description=f"First day, YYYY-MM-DD (default: {DEFAULT_DAYS} days ago)."
    )
    until: date | None = Field(
        default=None, description="Day after the last one, YYYY-MM-DD (default: tomorrow)."
    )
    watch: float = Field(
        default=WATCH, ge=0.0, le=10.0, strict=True, description="PSI to watch from."
    )
    act: float = Field(default=ACT, ge=0.0, le=10.0, strict=True, description="PSI to act from.")

    @field_validator("since", "until", mode="before")
    @classmethod
    def _written_as_a_day(cls, value: object) -> object:
        # Pydantic would read a number as seconds since 1970: refused, never guessed.
        if value is not None and not isinstance(value, str | date):
            raise ValueError(f"expected a day written YYYY-MM-DD, got {value!r}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> MonitoringRequest:
        if self.act < self.watch:
            raise ValueError(f"act ({self.act}) must be at least watch ({self.watch})")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError(f"since ({self.since}) must be before until ({self.until})")
        return self

    def days(self) -> tuple[date, date]:
        """The period, defaults filled in."""
        until = self.until or _tomorrow()
        if self.since is not None:
            return self.since, until
        earliest = date.min + timedelta(days=DEFAULT_DAYS + 1)  # no day before year 1
        return max(until, earliest) - timedelta(days=DEFAULT_DAYS + 1), until  # 30 days + today
