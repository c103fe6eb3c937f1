"""LO GBA dates (yyyymmdd, 00 for an unknown part) and their Haal Centraal shape.

The register keeps what the source says: a birth date of "20080000" means "some
day in 2008", not 1 January 2008. Rounding it to a full date would turn "we do
not know whether this child is 17 or 18" into a wrong certainty, so every date
stays partial and callers ask for its earliest and latest possible day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class GbaDate:
    """A possibly partial date; None marks an unknown part."""

    year: int | None
    month: int | None
    day: int | None

    @classmethod
    def parse(cls, raw: str | None) -> GbaDate | None:
        """Read "yyyymmdd" with 00 for unknown parts; None for an empty field.

        Impossible parts degrade to unknown instead of failing: the official test
        set holds e.g. "19660013" (day known, month not), which we read as the
        year 1966, and a day that does not exist in its month as month precision.
        """
        raw = (raw or "").strip()
        if not raw:
            return None
        if len(raw) != 8 or not raw.isdigit():
            return cls(None, None, None)
        year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
        if year == 0:
            return cls(None, None, None)
        if not 1 <= month <= 12:
            return cls(year, None, None)
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return cls(year, month, None)
        return cls(year, month, day)

    @property
    def is_complete(self) -> bool:
        return self.day is not None

    def earliest(self) -> date | None:
        if self.year is None:
            return None
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date | None:
        if self.year is None:
            return None
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year or 0, self.month or 0, self.day or 0)

    def to_api(self) -> dict:
        """Haal Centraal AbstractDatum: Datum, JaarMaandDatum, JaarDatum or DatumOnbekend."""
        if self.year is None:
            return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
        if self.month is None:
            return {"type": "JaarDatum", "jaar": self.year, "langFormaat": str(self.year)}
        month_name = MONTHS[self.month - 1]
        if self.day is None:
            return {
                "type": "JaarMaandDatum",
                "jaar": self.year,
                "maand": self.month,
                "langFormaat": f"{month_name} {self.year}",
            }
        return {
            "type": "Datum",
            "datum": date(self.year, self.month, self.day).isoformat(),
            "langFormaat": f"{self.day} {month_name} {self.year}",
        }


def age_on(birth: GbaDate | None, on: date) -> int | None:
    """Age in whole years on `on`, or None when the partial birth date leaves it open.

    Used only for the API's `leeftijd` field (which the real API computes on the
    day of the request); triage computes ages itself, on its own reference date.
    """
    if birth is None or birth.year is None:
        return None
    youngest, oldest = _years(birth.latest(), on), _years(birth.earliest(), on)
    return youngest if youngest == oldest and youngest >= 0 else None


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
