"""The municipality page's filter of the monitor's figures: which municipality, year and month.

Pure, as `forms.py`: the query string in, the filter out, with a Dutch message for each
value that was wrong (and fell back to its default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.portal.forms import MUNICIPALITY_CODE, text, whole


@dataclass(frozen=True)
class FiguresQuery:
    municipality: str
    year: int
    month: int | None


def figures_query(
    params: Mapping[str, str], default_municipality: str, this_year: int
) -> tuple[FiguresQuery, dict[str, str]]:
    """The municipality page's filter; a wrong value falls back to the default and says so."""
    errors: dict[str, str] = {}
    municipality = text(params, "gemeente") or default_municipality
    if not MUNICIPALITY_CODE.match(municipality):
        errors["gemeente"] = "Een gemeentecode heeft vier cijfers."
        municipality = default_municipality
    year_text = text(params, "jaar")
    year = whole(year_text, 2000, 2100) if year_text else this_year
    if year is None:
        errors["jaar"] = "Kies een jaar van 2000 tot en met 2100."
        year = this_year
    month_text = text(params, "maand")
    month = whole(month_text, 1, 12) if month_text else None
    if month_text and month is None:
        errors["maand"] = "Kies een maand van 1 tot en met 12."
    return FiguresQuery(municipality, year, month), errors
