"""Triage's own tables: one case per household (dwelling), its timeline, its alerts
and the reports teams owe on them.

Columns that hold a state or a code are enum columns (shared.persistence.enum_columns):
the row reads back as the enum, the database keeps the same strings as before.

Identifying data stays out: the case knows the dwelling only as its pseudonym
and the household only as counts and ages in years. Deadlines are `due_at`-style
columns that the timer worker (services.triage.timers) selects when they pass.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import JSON, Column, Index, Numeric, UniqueConstraint, text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.contracts.events.placement import WithdrawalOutcome
from shared.contracts.events.prevention import PreventionOutcome
from shared.contracts.events.triage import AlertKind, AlertTrigger, CompositionSource, Priority, Report, WithdrawalReason
from shared.persistence.database import UtcDateTime
from shared.persistence.enum_columns import enum_field
from shared.contracts.events.follow_up import CaseOutcome
from services.triage.domain.case import CaseState
from services.triage.domain.district import DistrictSource
from services.triage.domain.follow_up import FollowUpState
from services.triage.domain.rules_version import RulesVersionState
from services.triage.domain.timeline import TimelineKind

triage_registry = registry()
METADATA = triage_registry.metadata


def _moment(**kwargs):
    return Field(sa_column=Column(UtcDateTime(), **kwargs))


def _maybe_moment(**kwargs):
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=True, **kwargs))


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; every moment here is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class TriageTable(SQLModel, registry=triage_registry):
    pass


class HouseholdCase(TriageTable, table=True):
    __tablename__ = "household_case"

    case_key: str = Field(primary_key=True)
    municipality_code: str = Field(index=True)
    district: str | None = None
    district_source: DistrictSource | None = enum_field(DistrictSource, nullable=True, default=None)
    state: CaseState = enum_field(CaseState)
    is_family: bool | None = None
    persons: int = 0
    minors: int = 0
    minor_ages: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    composition_source: CompositionSource = enum_field(CompositionSource, default=CompositionSource.UNKNOWN)
    uncertain: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    assessed_on: date | None = None
    case_lead: str | None = None
    last_arrears_months: int | None = None
    opened_at: datetime = _moment(nullable=False)
    updated_at: datetime = _moment(nullable=False)
    # Order and repeats (domain.sequence, domain.repeats)
    stage: int | None = None
    stage_on: date | None = None
    episode: int = 0
    last_alerted_arrears_months: int | None = None
    last_alerted_arrears_amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2), nullable=True))
    # What a later re-evaluation needs (composition corrected): the last routed signal
    last_signal_id: UUID | None = None
    last_signal_type: str | None = None
    last_signal_facts: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    corporation: str | None = None  # the corporation that signalled about this dwelling
    last_chance: bool = False
    placement_requested_at: datetime | None = _maybe_moment()  # once per episode
    # Late in view (domain.late_in_view)
    prevention_contact_on: date | None = None
    eviction_date: date | None = None
    eviction_signal_id: UUID | None = None
    eviction_check_at: datetime | None = _maybe_moment(index=True)
    eviction_check_done_at: datetime | None = _maybe_moment()
    eviction_urgent_alerted_at: datetime | None = _maybe_moment()
    safety_net_plan_on: date | None = None  # the plan for the scheduled eviction (domain.safety_net)
    evicted_on: date | None = None  # the household lost its home here that day (domain.family.home_news)


class CaseEntry(TriageTable, table=True):
    """One line of a case's timeline. Append-only: history is never edited."""

    __tablename__ = "case_entry"

    id: int | None = Field(default=None, primary_key=True)
    case_key: str = Field(index=True)
    at: datetime = _moment(nullable=False)
    kind: TimelineKind = enum_field(TimelineKind)
    event_id: UUID | None = None
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Alert(TriageTable, table=True):
    __tablename__ = "alert"

    alert_id: UUID = Field(primary_key=True)
    case_key: str = Field(index=True)
    signal_id: UUID
    recipient: str = Field(index=True)
    kind: AlertKind = enum_field(AlertKind)
    priority: Priority = enum_field(Priority)
    due: datetime = _moment(nullable=False)
    rule_id: str
    raised_at: datetime = _moment(nullable=False)
    reason: str = ""
    signal_type: str = ""
    trigger: AlertTrigger = enum_field(AlertTrigger, default=AlertTrigger.SIGNAL)
    regarding_alert_id: UUID | None = None  # reminders and escalations: the alert they are about
    report: Report | None = enum_field(Report, nullable=True, default=None)
    fingerprint: str | None = Field(default=None, index=True)
    intermediate_report_due: datetime | None = _maybe_moment()
    final_report_due: datetime | None = _maybe_moment()
    suspends_collection: bool = False
    # What the team reported back (feedback loop)
    contact_made_on: date | None = None
    intermediate_report_on: date | None = None
    final_report_on: date | None = None
    outcome: PreventionOutcome | None = enum_field(PreventionOutcome, nullable=True, default=None)
    debt_settlement_pending: bool = False


class ReportDeadline(TriageTable, table=True):
    """A report a team owes on an alert. Overdue: one reminder, then one escalation."""

    __tablename__ = "report_deadline"
    __table_args__ = (UniqueConstraint("alert_id", "report"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: UUID = Field(index=True)
    case_key: str = Field(index=True)
    team: str
    report: Report = enum_field(Report)
    due_at: datetime = _moment(nullable=False, index=True)
    received_at: datetime | None = _maybe_moment()
    reminded_at: datetime | None = _maybe_moment()
    escalation_due_at: datetime | None = _maybe_moment(index=True)
    escalated_at: datetime | None = _maybe_moment()


class CaseAlias(TriageTable, table=True):
    """A signal's own case key (postcode-keyed: it came without a BAG id) and the
    dwelling's case it joined once the register told the BAG id. Later signals on
    that postcode key join the same case even when the register is away."""

    __tablename__ = "case_alias"

    alias_key: str = Field(primary_key=True)
    case_key: str = Field(index=True)
    recorded_at: datetime = _moment(nullable=False)


class PlacementAskRecord(TriageTable, table=True):
    """A shelter request triage made for a case, and whether triage withdrew it
    (the eviction was reversed). Kept apart from the case row: a case may ask
    again in a later episode, and each request is withdrawn on its own."""

    __tablename__ = "placement_ask"

    request_id: UUID = Field(primary_key=True)
    case_key: str = Field(index=True)
    asked_at: datetime = _moment(nullable=False)
    withdrawn_at: datetime | None = _maybe_moment()
    superseded_at: datetime | None = _maybe_moment()  # a new story began (domain.placement.starts_new_story)
    withdrawal_reason: WithdrawalReason | None = enum_field(WithdrawalReason, nullable=True, default=None)
    # what placement made of the withdrawal
    outcome: WithdrawalOutcome | None = enum_field(WithdrawalOutcome, nullable=True, default=None)


class PreventionFollowUp(TriageTable, table=True):
    """What became of the household after a prevention alert (domain.follow_up): watched
    until `until`, or until an eviction is carried out; `outcome` once recorded."""

    __tablename__ = "prevention_follow_up"

    alert_id: UUID = Field(primary_key=True)
    case_key: str = Field(index=True)
    municipality_code: str
    district: str | None = None
    is_family: bool | None = None
    alerted_at: datetime = _moment(nullable=False)
    until: datetime = _moment(nullable=False, index=True)
    state: FollowUpState = enum_field(FollowUpState, default=FollowUpState.WATCHING)
    outcome: CaseOutcome | None = enum_field(CaseOutcome, nullable=True, default=None)
    recorded_at: datetime | None = _maybe_moment()


class ReferralTally(TriageTable, table=True):
    """Prevention referrals per team and year whose alerts the retention job deleted, so the
    yearly capacity figures survive it (services.triage.capacity)."""

    __tablename__ = "referral_tally"

    recipient: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    referrals: int = 0


class RulesVersion(TriageTable, table=True):
    """A municipality's routing rules, one row per version (services.triage.rules.versions):
    drafts, the one published version (the partial unique index guards it), and every
    version published before it. `created_by`/`published_by` name the person or system, as
    audit rows do (organisation, subject, kind, name, employee number)."""

    __tablename__ = "rules_version"
    __table_args__ = (
        Index(
            "ux_rules_version_published", "municipality_code", unique=True,
            sqlite_where=text("state = 'published'"), postgresql_where=text("state = 'published'"),
        ),
    )  # fmt: skip

    municipality_code: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    state: RulesVersionState = enum_field(RulesVersionState)
    document: dict = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _moment(nullable=False)
    created_by: dict = Field(sa_column=Column(JSON, nullable=False))
    published_at: datetime | None = _maybe_moment()
    published_by: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class CasePerson(TriageTable, table=True):
    """A person the register listed at the case's dwelling, as triage's keyed pseudonym
    (services.triage.brp.persons), never a BSN: what links a family's cases across
    addresses (services.triage.case.family). Deleted with the case."""

    __tablename__ = "case_person"

    case_key: str = Field(primary_key=True)
    person: str = Field(primary_key=True, index=True)
    seen_at: datetime = _moment(nullable=False)


class CaseLink(TriageTable, table=True):
    """A case linked to an earlier case of the same family at another dwelling (at least one
    person in common, domain.family). Deleted with either case."""

    __tablename__ = "case_link"

    case_key: str = Field(primary_key=True)
    earlier_case_key: str = Field(primary_key=True, index=True)
    linked_at: datetime = _moment(nullable=False)
    shared_persons: int
    earlier_evicted_on: date | None = None
