"""Households of the shape of SOM's 2007 registration for (Vroeg) Eropaf in Amsterdam
(`tests/data/amsterdam_som_eropaf_results_2007.csv`, copied from the report's table;
docs/domain.md#prevention-results-in-amsterdam-2007): 1,353 referrals; no result reported
for 324; of the 1,029 with one, 806 not evicted, 61 evicted, 162 result unknown.

Each household has a dwelling of its own (a BAG id nobody is registered at) in one of
Amsterdam's stadsdelen, two months of arrears (so triage refers it to the stadsdeel's Vroeg
Eropaf team: a prevention alert), and one ending at the dwelling within the follow-up
window, as the chain's outcome:

- `no_eviction`: nothing more is heard;
- `eviction_not_executed`: an eviction is scheduled, then called off (cancelled, paid at
  the door or not carried out);
- `evicted`: an eviction is scheduled and carried out (or the household left before the
  bailiff came);
- `unknown`: an eviction is scheduled and how it ended is never reported.

SOM's "not evicted" is `no_eviction` plus `eviction_not_executed`; how its 806 (and the
324 without a result) split over the chain's outcomes is the test's choice (`SPLIT`).
`scale` divides every cell of the split (rounded down), for a quicker run of the same shape.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shared.contracts.events.follow_up import CaseOutcome

TABLE = Path(__file__).resolve().parents[1] / "data" / "amsterdam_som_eropaf_results_2007.csv"
CORPORATION = "ymere"
BAILIFF = "deurwaarder-amsterdam"
STADSDELEN = ("centrum", "westpoort", "west", "nieuw-west", "zuid", "oost", "noord", "zuidoost", "weesp")
FIRST_DWELLING = 9_100_000_000  # BAG numbers nobody is registered at in the register stand-in
FINAL_OUTCOMES = ("arrangement", "debt_help_started", "refused", "already_known")  # not_reached refers again
NO, NOT_EXECUTED, EVICTED, UNKNOWN = CaseOutcome
# (report missing?, outcome) -> households; the report's figures are checked against it in `report_figures`.
SPLIT: dict[tuple[bool, CaseOutcome], int] = {
    (False, NO): 700, (False, NOT_EXECUTED): 106, (False, EVICTED): 61, (False, UNKNOWN): 162,
    (True, NO): 250, (True, NOT_EXECUTED): 30, (True, EVICTED): 20, (True, UNKNOWN): 24,
}  # fmt: skip


@dataclass(frozen=True)
class Household:
    n: int
    report_missing: bool
    outcome: CaseOutcome

    @property
    def dwelling(self) -> str:
        return f"036301{FIRST_DWELLING + self.n:010d}"

    @property
    def district(self) -> str:
        return STADSDELEN[self.n % len(STADSDELEN)]

    @property
    def team(self) -> str:
        return f"vroeg-eropaf-amsterdam-{self.district}"

    def reference(self, stage: str) -> str:
        """The batch row's reference (the partner's own id) for one stage of the story."""
        return f"som-{self.n}-{stage}"

    def address(self) -> dict:
        return {"adresseerbaarObjectIdentificatie": self.dwelling}


def report_figures() -> dict[str, int]:
    """The report's table: category_en -> count."""
    with TABLE.open(newline="") as handle:
        return {row["category_en"]: int(row["count"]) for row in csv.DictReader(handle)}


def split(scale: int = 1) -> dict[tuple[bool, CaseOutcome], int]:
    return {cell: count // scale for cell, count in SPLIT.items()}


def som_view(cells: dict[tuple[bool, CaseOutcome], int]) -> dict[str, int]:
    """Counts per (report missing, outcome) as the report's categories."""
    reported = {outcome: count for (missing, outcome), count in cells.items() if not missing}
    return {
        "referrals in total": sum(cells.values()),
        "results missing": sum(count for (missing, _), count in cells.items() if missing),
        "referrals with results reported": sum(reported.values()),
        "not evicted": reported.get(NO, 0) + reported.get(NOT_EXECUTED, 0),
        "evicted": reported.get(EVICTED, 0),
        "result unknown": reported.get(UNKNOWN, 0),
    }


def households(scale: int = 1) -> list[Household]:
    found = []
    for (missing, outcome), count in split(scale).items():
        found += [Household(len(found) + i, missing, outcome) for i in range(count)]
    return found


def arrears(household: Household, observed_on: date) -> dict:
    """The corporation's batch row that makes triage refer the household to prevention."""
    return {
        "reference": household.reference("arrears"), "type": "arrears.reported", "address": household.address(),
        "district": household.district, "observed_on": observed_on.isoformat(), "months": 2, "amount_eur": "1450.00",
    }  # fmt: skip


def eviction_scheduled(household: Household, observed_on: date, eviction_date: date) -> dict | None:
    """The bailiff's announcement, for every household whose story has an eviction."""
    if household.outcome is NO:
        return None
    return {
        "reference": household.reference("scheduled"), "type": "eviction.scheduled", "address": household.address(),
        "observed_on": observed_on.isoformat(), "eviction_date": eviction_date.isoformat(),
    }  # fmt: skip


def eviction_ended(household: Household, on: date) -> dict | None:
    """How the eviction ended, on its day; none for `no_eviction` and `unknown`."""
    base = {"reference": household.reference("ended"), "address": household.address(), "observed_on": on.isoformat()}
    if household.outcome is NOT_EXECUTED:
        ending = household.n % 3
        if ending == 0:
            return {**base, "type": "eviction.cancelled", "eviction_date": on.isoformat()}
        return {**base, "type": "eviction.executed", "outcome": "paid_at_door" if ending == 1 else "not_executed"}
    if household.outcome is EVICTED:
        return {**base, "type": "eviction.executed", "outcome": "left_unknown_destination" if household.n % 4 == 0 else "evicted"}
    return None
