"""Signals partners publish (topic `signals`).

The dwelling travels sealed (`sealed_address`, see shared.privacy): only the
intake and triage services hold the key. Routing facts (municipality, district)
travel in clear because they identify no one.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts import topics
from shared.contracts.event_types import SignalType
from shared.contracts.events.base import EventData

MunicipalityCode = Annotated[str, Field(pattern=r"^\d{4}$", description="CBS gemeentecode, e.g. 0363")]


class LandlordType(StrEnum):
    CORPORATION = "corporation"
    PRIVATE = "private"
    UNKNOWN = "unknown"


class SignalData(EventData):
    """A partner's signal; each kind names its `signal_type`, which gives its CloudEvent type."""

    topic = topics.SIGNALS
    signal_type: ClassVar[SignalType]

    signal_id: UUID
    reported_by: str = Field(description="organisation id of the signaller")
    sealed_address: str = Field(description="encrypted dwelling identification (intake and triage only)")
    municipality_code: MunicipalityCode
    district: str | None = Field(default=None, description="a district code of the municipality (shared.contracts.districts)")
    observed_on: date
    history: bool = Field(default=False, description="the partner loads its past: counted and recorded, alerts no one")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.event_type = cls.signal_type.event_type


class ArrearsReported(SignalData):
    signal_type = SignalType.ARREARS_REPORTED

    months: int = Field(ge=1, le=120)
    amount_eur: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    tenancy_start: date | None = None
    household_size_known: int | None = Field(default=None, ge=1, le=30)
    landlord_type: LandlordType = LandlordType.CORPORATION


class Resolution(StrEnum):
    PAID = "paid"
    PAYMENT_PLAN = "payment_plan"
    DEBT_HELP_STARTED = "debt_help_started"


class ArrearsResolved(SignalData):
    signal_type = SignalType.ARREARS_RESOLVED

    resolution: Resolution


class VerdictGrounds(StrEnum):
    RENT_ARREARS = "rent_arrears"
    NUISANCE = "nuisance"
    SUBLETTING = "subletting"
    CANNABIS = "cannabis"
    OTHER = "other"


class VerdictIssued(SignalData):
    signal_type = SignalType.VERDICT_ISSUED

    grounds: VerdictGrounds
    last_chance: bool = False


class EvictionScheduled(SignalData):
    signal_type = SignalType.EVICTION_SCHEDULED

    eviction_date: date


class EvictionCancelled(SignalData):
    """The eviction was called off. Why, in the signaller's words, stays at the intake."""

    signal_type = SignalType.EVICTION_CANCELLED
    retired = frozenset({"reason"})  # free text until ADR 0023: kept by the intake, never on the bus

    eviction_date: date | None = Field(
        default=None, description="the date the eviction was scheduled for, when the signaller gives it"
    )


class EvictionOutcome(StrEnum):
    EVICTED = "evicted"
    PAID_AT_DOOR = "paid_at_door"
    NOT_EXECUTED = "not_executed"
    LEFT_UNKNOWN_DESTINATION = "left_unknown_destination"


class EvictionExecuted(SignalData):
    signal_type = SignalType.EVICTION_EXECUTED

    outcome: EvictionOutcome
    eviction_date: date | None = Field(
        default=None, description="the date the eviction was scheduled for, when the signaller gives it; else observed_on"
    )


class FamilyFoundAtEviction(SignalData):
    signal_type = SignalType.FAMILY_FOUND

    adults: int = Field(ge=1, le=10)
    children_ages: list[Annotated[int, Field(ge=0, le=17)]] = Field(min_length=1, max_length=20)


class Concern(StrEnum):
    """What a report of concern (zorgmelding) is about: routing codes only. What the reporter
    saw in detail (addiction, psychiatry, the children's behaviour) stays with the team that
    takes the case up; it never travels on the bus."""

    NUISANCE = "nuisance"  # overlast for the neighbourhood
    NEGLECT = "neglect"  # a dirty, neglected dwelling (vervuiling, verwaarlozing)
    CARE_AVOIDANCE = "care_avoidance"  # zorgmijding: help offered is not accepted
    CHILDREN = "children"  # worries about the children (school absence, unrest)
    DEBTS = "debts"  # rising debts, bailiffs, broken payment promises
    OTHER = "other"


# Concerns that make a household "complex" rather than financial only (docs/domain.md#oss-and-brabant-noordoost).
COMPLEX_CONCERNS = frozenset({Concern.NUISANCE, Concern.NEGLECT, Concern.CARE_AVOIDANCE, Concern.CHILDREN})


class ConcernReported(SignalData):
    """A report of concern about a household (zorgmelding), e.g. from the Platform Overlast."""

    signal_type = SignalType.CONCERN_REPORTED

    concerns: list[Concern] = Field(min_length=1, max_length=len(Concern), description="what the concern is about (codes)")


class ContactMethod(StrEnum):
    LETTER = "letter"
    CALL = "call"
    VISIT = "visit"  # at the door or a home visit by the housing consultant


class ContactResult(StrEnum):
    REACHED = "reached"  # spoke with the household
    ARRANGEMENT = "arrangement"  # a payment plan or another agreement made
    NOT_REACHED = "not_reached"  # no answer, nobody home, letter unanswered
    REFUSED = "refused"  # the household refused contact or help


# Results that count as prevention contact (recommendation D: the corporation's own outreach is prevention).
CONTACT_REACHED = frozenset({ContactResult.REACHED, ContactResult.ARRANGEMENT})


class ContactAttempted(SignalData):
    """The corporation's own attempt to reach a tenant in arrears, and its result."""

    signal_type = SignalType.CONTACT_ATTEMPTED

    method: ContactMethod
    result: ContactResult


class SupportRelapsed(SignalData):
    """A household under (preventive) housing support relapsed: the last chance is spent and
    the eviction under the kept verdict may go ahead (docs/domain.md, time rule T27)."""

    signal_type = SignalType.SUPPORT_RELAPSED

    support_started_on: date | None = Field(default=None, description="when the housing support began, if the signaller knows")


SIGNALS: dict[SignalType, type[SignalData]] = {
    model.signal_type: model
    for model in (
        ArrearsReported,
        ArrearsResolved,
        VerdictIssued,
        EvictionScheduled,
        EvictionCancelled,
        EvictionExecuted,
        FamilyFoundAtEviction,
        ConcernReported,
        ContactAttempted,
        SupportRelapsed,
    )
}
