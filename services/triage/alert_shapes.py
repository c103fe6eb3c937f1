"""The alert's shapes in triage, and the one place each is built from the one before.

1. `Decision` (domain.routing): who must act on a signal and why; pure.
2. `AlertSpec`: what to raise, whatever raised it (a routing decision, an overdue
   report, an eviction coming close): the contract's fields but the household's,
   and what only triage keeps (the repeat fingerprint, whether collection is suspended).
3. `AlertRaised` (shared.contracts): the alert on the `alerts` topic, the spec with the
   household as the case knows it.
4. The `Alert` row and the `ReportDeadline` rows a team owes on it, built from the contract
   (appended rows, not ORM objects: written in one statement per table).

A field means the same in every shape it has the same name in, so each step takes
the fields of the shape before by name: a field added to the contract and to the row
is carried without another edit here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from uuid import UUID, uuid4

from sqlalchemy import Table

from shared.contracts.events.triage import AlertKind, AlertRaised, AlertTrigger, Priority, Report
from shared.persistence.appends import read_back
from services.triage.domain.feedback import collection_suspended_until
from services.triage.domain.routing import Decision
from services.triage.tables import Alert, HouseholdCase, ReportDeadline

# Appended, and read back by later signals of the same batch (repeats, open reports).
ALERTS, DEADLINES = Alert.__table__, ReportDeadline.__table__
read_back(ALERTS)
read_back(DEADLINES)


@dataclass(frozen=True)
class AlertSpec:
    """What to raise, whatever raised it (2. above)."""

    recipient: str
    kind: AlertKind
    priority: Priority
    due: datetime
    reason: str
    rule_id: str
    trigger: AlertTrigger
    signal_id: UUID
    signal_type: str
    regarding_alert_id: UUID | None = None
    report: Report | None = None
    intermediate_report_due: datetime | None = None
    final_report_due: datetime | None = None
    suspends_collection: bool = False
    fingerprint: str | None = None

    @classmethod
    def from_decision(
        cls, decision: Decision, *, trigger: AlertTrigger, signal_id: UUID, signal_type: str, fingerprint: str | None
    ) -> AlertSpec:
        """The alert to the decision's recipient (its copies: `copy_for`)."""
        known = {spec_field.name for spec_field in fields(cls)}
        taken = {field.name: getattr(decision, field.name) for field in fields(decision) if field.name in known}
        return cls(**taken, trigger=trigger, signal_id=signal_id, signal_type=signal_type, fingerprint=fingerprint)

    def without_reports(self) -> AlertSpec:
        """The team already owes reports on this household: it reports once, not per alert."""
        return replace(self, intermediate_report_due=None, final_report_due=None, suspends_collection=False)

    def copy_for(self, recipient: str) -> AlertSpec:
        """A copy to another organisation: told the same, owing nothing, never a repeat of its own."""
        return replace(self.without_reports(), recipient=recipient, fingerprint=None)


def alert_raised(spec: AlertSpec, case: HouseholdCase, *, with_ages: bool) -> AlertRaised:
    """The contract: the spec, and the household as the case knows it (`with_ages`
    False: the recipient learns that children live there, not how old they are)."""
    contract = AlertRaised.model_fields
    suspension = collection_suspended_until(_day(spec.final_report_due)) if spec.suspends_collection else None
    return AlertRaised(
        alert_id=uuid4(),
        **{field.name: getattr(spec, field.name) for field in fields(spec) if field.name in contract},
        is_family=case.is_family,
        persons=case.persons,
        minors=case.minors,
        minor_ages=list(case.minor_ages) if with_ages else [],
        municipality_code=case.municipality_code,
        district=case.district,
        collection_suspended_until=suspension,
    )


def alert_rows(raised: AlertRaised, spec: AlertSpec, case_key: str, raised_at: datetime) -> list[tuple[Table, dict]]:
    """The alert's row, from the contract, and a deadline for each report the team owes:
    appended rows (shared.persistence.appends), each with its table."""
    row = {name: value for name, value in raised.model_dump().items() if name in Alert.model_fields}
    kept = {"fingerprint": spec.fingerprint, "suspends_collection": spec.suspends_collection}  # triage's own
    alert = (ALERTS, {**row, **kept, "case_key": case_key, "raised_at": raised_at})
    owed = ((Report.INTERMEDIATE, raised.intermediate_report_due), (Report.FINAL, raised.final_report_due))
    deadlines = [
        (DEADLINES, {"alert_id": raised.alert_id, "case_key": case_key, "team": raised.recipient, "report": report, "due_at": due})  # fmt: skip
        for report, due in owed
        if due is not None
    ]
    return [alert, *deadlines]


def alert_line(raised: AlertRaised) -> dict:
    """The alert on the case's timeline."""
    line = {
        "alert_id": str(raised.alert_id), "recipient": raised.recipient, "kind": raised.kind,
        "priority": raised.priority, "due": raised.due.isoformat(), "rule": raised.rule_id, "trigger": raised.trigger,
    }  # fmt: skip
    if raised.report:
        line["report"] = raised.report
    if raised.regarding_alert_id:
        line["regarding_alert_id"] = str(raised.regarding_alert_id)
    if raised.final_report_due:
        line["final_report_due"] = raised.final_report_due.isoformat()
    return line


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None
