"""What partners post and read over HTTP. Distinct from the event contracts:
the request carries the address; the event carries it sealed."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, Union
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events.signals import EvictionOutcome, LandlordType, Resolution, VerdictGrounds


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adresseerbaarObjectIdentificatie: str = Field(
        pattern=r"^\d{16}$", description="BAG id of the dwelling: 4-digit municipality code, '01', 10-digit number"
    )
    postcode: str | None = Field(default=None, pattern=r"^[1-9]\d{3}[A-Z]{2}$")
    huisnummer: int | None = Field(default=None, ge=1, le=99999)
    huisletter: str | None = Field(default=None, pattern=r"^[a-zA-Z]$")
    huisnummertoevoeging: str | None = Field(default=None, max_length=4)


class SignalBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: Address
    observed_on: date = Field(description="the day the partner saw this (arrears reached, verdict, visit)")
    district: str | None = Field(default=None, max_length=60, description="stadsdeel or wijk, if known")


class ArrearsReportedIn(SignalBase):
    type: Literal["arrears.reported"]
    months: int = Field(ge=1, le=120)
    amount_eur: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    tenancy_start: date | None = None
    household_size_known: int | None = Field(default=None, ge=1, le=30)
    landlord_type: LandlordType = LandlordType.CORPORATION


class ArrearsResolvedIn(SignalBase):
    type: Literal["arrears.resolved"]
    resolution: Resolution


class VerdictIssuedIn(SignalBase):
    type: Literal["eviction.verdict-issued"]
    grounds: VerdictGrounds
    last_chance: bool = False


class EvictionScheduledIn(SignalBase):
    type: Literal["eviction.scheduled"]
    eviction_date: date


class EvictionCancelledIn(SignalBase):
    type: Literal["eviction.cancelled"]
    reason: str | None = Field(default=None, max_length=200)


class EvictionExecutedIn(SignalBase):
    type: Literal["eviction.executed"]
    outcome: EvictionOutcome


class FamilyFoundIn(SignalBase):
    type: Literal["eviction.family-found"]
    adults: int = Field(ge=1, le=10)
    children_ages: list[Annotated[int, Field(ge=0, le=17)]] = Field(min_length=1, max_length=20)


SignalIn = Annotated[
    Union[
        ArrearsReportedIn,
        ArrearsResolvedIn,
        VerdictIssuedIn,
        EvictionScheduledIn,
        EvictionCancelledIn,
        EvictionExecutedIn,
        FamilyFoundIn,
    ],
    Field(discriminator="type"),
]


class SignalAccepted(BaseModel):
    id: UUID
    status_url: str


class Routing(BaseModel):
    """Where the signal went and what that team reported back: dates and outcome only."""

    recipient: str
    recipient_name: str
    kind: str
    routed_at: datetime
    intermediate_report_due: date | None = None
    final_report_due: date | None = None
    contact_made_on: date | None = None
    intermediate_report_on: date | None = None
    final_report_on: date | None = None
    outcome: str | None = Field(None, description="arrangement, debt_help_started, not_reached, refused, already_known")
    collection_suspended_until: date | None = None


class SignalStatus(BaseModel):
    id: UUID
    type: str
    observed_on: date
    received_at: datetime
    status: Literal["received", "forwarded", "routed"]
    forwarded_at: datetime | None
    routing: list[Routing]
    outcome: str | None = Field(None, description="the latest final report's outcome on this signal")
    collection_suspended_until: date | None = Field(
        None, description="collection stays suspended until this day (until the final report; up to 9 months "
        "while a debt settlement is pending); None: no suspension applies"
    )
