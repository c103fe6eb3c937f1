"""What partners post and read over HTTP. Distinct from the event contracts:
the request carries the address; the event carries it sealed."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared.contracts.districts import DistrictCode, district_problem
from shared.contracts.event_types import SignalType
from shared.contracts.events.signals import (
    Concern,
    ContactMethod,
    ContactResult,
    EvictionOutcome,
    LandlordType,
    Resolution,
    VerdictGrounds,
)
from shared.contracts.fields import CalendarDate, FreeText, IdempotencyKey
from services.arrears.address import MUNICIPALITY_MISMATCH, NO_DWELLING, Address, address_problems  # noqa: F401 - re-exported


class SignalBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: Address
    observed_on: CalendarDate = Field(
        description="the day the partner saw this (arrears reached, verdict, visit); not in the future, "
        "and not older than the intake's window unless `history` is true"
    )
    district: DistrictCode | None = Field(
        default=None,
        description="stadsdeel or wijk, if known: a code of the address's municipality (shared/contracts/districts.py). "
        "Where the address has a postcode whose area lies in one district, that district decides the routing",
    )
    history: bool = Field(
        default=False,
        description="true: the partner loads its past; an old observed_on is accepted, the signal is counted and recorded, "
        "and alerts no one",
    )

    def value_of(self, name: str) -> Any:
        """The field `name`, or None when this type of signal has no such field. Cheaper than
        `getattr(body, name, None)`, which pays for pydantic's AttributeError on every miss."""
        return getattr(self, name) if name in type(self).model_fields else None

    @model_validator(mode="after")
    def _district_of_the_municipality(self) -> "SignalBase":
        problem = district_problem(self.address.municipality_code, self.district)
        if problem is not None:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [InitErrorDetails(type=PydanticCustomError("district_unknown", problem), loc=("district",), input=None)],
            )
        return self


class ArrearsReportedIn(SignalBase):
    type: Literal[SignalType.ARREARS_REPORTED]
    months: int = Field(ge=1, le=120)
    amount_eur: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    tenancy_start: CalendarDate | None = None
    household_size_known: int | None = Field(default=None, ge=1, le=30)
    landlord_type: LandlordType = LandlordType.CORPORATION


class ArrearsResolvedIn(SignalBase):
    type: Literal[SignalType.ARREARS_RESOLVED]
    resolution: Resolution


class VerdictIssuedIn(SignalBase):
    type: Literal[SignalType.VERDICT_ISSUED]
    grounds: VerdictGrounds
    last_chance: bool = False


class EvictionScheduledIn(SignalBase):
    type: Literal[SignalType.EVICTION_SCHEDULED]
    eviction_date: CalendarDate = Field(description="within the intake's eviction window around today")


EVICTION_DATE_OF_OUTCOME = (
    "the date the eviction was scheduled for: the monitor counts the outcome in that date's period "
    "(absent: observed_on)"
)


class EvictionCancelledIn(SignalBase):
    type: Literal[SignalType.EVICTION_CANCELLED]
    reason: FreeText(200) | None = None
    eviction_date: CalendarDate | None = Field(default=None, description=EVICTION_DATE_OF_OUTCOME)


class EvictionExecutedIn(SignalBase):
    type: Literal[SignalType.EVICTION_EXECUTED]
    outcome: EvictionOutcome
    eviction_date: CalendarDate | None = Field(default=None, description=EVICTION_DATE_OF_OUTCOME)


class FamilyFoundIn(SignalBase):
    type: Literal[SignalType.FAMILY_FOUND]
    adults: int = Field(ge=1, le=10)
    children_ages: list[Annotated[int, Field(ge=0, le=17)]] = Field(min_length=1, max_length=20)


def _each_once(values: list) -> list:
    if len(set(values)) != len(values):
        raise PydanticCustomError("duplicate_concern", "name each concern once")
    return values


class ConcernReportedIn(SignalBase):
    """A report of concern (zorgmelding): codes only; what was seen is told to the team that takes it up."""

    type: Literal[SignalType.CONCERN_REPORTED]
    concerns: Annotated[list[Concern], AfterValidator(_each_once)] = Field(min_length=1, max_length=len(Concern))


class ContactAttemptedIn(SignalBase):
    """The corporation's own letter, call or visit to a tenant in arrears, and what came of it."""

    type: Literal[SignalType.CONTACT_ATTEMPTED]
    method: ContactMethod
    result: ContactResult


class SupportRelapsedIn(SignalBase):
    """A household under (preventive) housing support relapsed; the kept verdict may now be executed."""

    type: Literal[SignalType.SUPPORT_RELAPSED]
    support_started_on: CalendarDate | None = Field(default=None, description="when the housing support began; not after observed_on")


SignalIn = Annotated[
    Union[
        ArrearsReportedIn,
        ArrearsResolvedIn,
        VerdictIssuedIn,
        EvictionScheduledIn,
        EvictionCancelledIn,
        EvictionExecutedIn,
        FamilyFoundIn,
        ConcernReportedIn,
        ContactAttemptedIn,
        SupportRelapsedIn,
    ],
    Field(discriminator="type"),
]


SIGNAL_MODELS: tuple[type[SignalBase], ...] = get_args(get_args(SignalIn)[0])
# A query parameter naming a signal type: a Literal, so a wrong one is answered as the body's `type` is.
SignalTypeParameter = Literal[tuple(SignalType)]  # type: ignore[valid-type]

MAX_BATCH = 1000
Reference = Annotated[IdempotencyKey, Field(description="the partner's own id for this row; acts as the row's Idempotency-Key")]


class BatchIn(BaseModel):
    """A monthly run. Rows are validated one by one, so the items are loosely typed here:
    one bad row must not fail the rows next to it."""

    model_config = ConfigDict(extra="forbid")

    signals: list[Any] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"up to {MAX_BATCH} rows, each a body of POST /v1/signals plus an optional `reference`",
        json_schema_extra={
            "items": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"type": "string", "enum": [t.value for t in SignalType]},
                    "reference": {"type": "string", "minLength": 1, "maxLength": 100},
                },
                "additionalProperties": True,
            }
        },
    )


class FieldError(BaseModel):
    """One field error (a 400's invalid-params entry): where, what, which kind; never the submitted value."""

    loc: list[str | int]
    msg: str
    type: str
    ctx: dict[str, Any] | None = None


class RowAccepted(BaseModel):
    index: int = Field(description="position of the row in `signals`, from 0")
    reference: str | None
    id: UUID
    replayed: bool = Field(description="true: the reference was seen before; this is the earlier signal, nothing new was published")


class RowRejected(BaseModel):
    index: int
    reference: str | None
    errors: list[FieldError]


class BatchResult(BaseModel):
    accepted: list[RowAccepted]
    rejected: list[RowRejected]


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
    reference: str | None = Field(None, description="the Idempotency-Key or batch `reference` it was posted with")
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


class SignalList(BaseModel):
    items: list[SignalStatus] = Field(description="newest first")
    total: int = Field(description="how many of your signals match, over all pages")
    limit: int
    offset: int
