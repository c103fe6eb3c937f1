"""What people type into the portal's forms, checked before anything is sent.

Pure functions: a form (field name -> text) in, the JSON body for a service out, or
the fields in error with a Dutch message each. The services check everything again;
`service_errors` turns their 400/409/422 answers, which name the offending field, into
the same shape, so a form shows both kinds of error next to the field. `submit` is the
one way a page sends a checked form (it awaits the page's call, no I/O of its own): the
service's answer, or the errors (and status) with which the page shows the form again,
with what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from collections.abc import Awaitable, Callable, Mapping

from shared.contracts.districts import DISTRICTS, code_for
from shared.contracts.event_types import SignalType
from shared.contracts.events.triage import PlacementCause, ReferralSource
from services.portal.backend import Rejected

CASE_KEY = re.compile(r"^hh-[0-9a-f]{16,64}$")
WORKER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,39}$")
DWELLING_ID = re.compile(r"^\d{16}$")
POSTCODE = re.compile(r"^[1-9]\d{3}[A-Z]{2}$")
MUNICIPALITY_CODE = re.compile(r"^\d{4}$")
FAMILY_TYPES = ("two_parent", "one_parent", "unknown")
NEEDS = ("crisis", "family")
CAUSES = tuple(cause.value for cause in PlacementCause)
REFERRAL_SOURCES = tuple(source.value for source in ReferralSource)
FORM_ERROR = "_form"  # an error that belongs to no single field


@dataclass
class Parsed:
    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def text(form: Mapping[str, str], name: str) -> str:
    return str(form.get(name) or "").strip()


def whole(value: str, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def placement_request(form: Mapping[str, str]) -> Parsed:
    """GGD asks for a place: composition and need, never who the family is."""
    parsed = Parsed()
    adults = whole(text(form, "adults"), 1, 10)
    if adults is None:
        parsed.errors["adults"] = "Vul het aantal volwassenen in: een heel getal van 1 tot en met 10."
    children = children_ages(text(form, "children_ages"))
    if children is None:
        parsed.errors["children_ages"] = CHILDREN_AGES_ERROR
    family_type = text(form, "family_type")
    if family_type not in FAMILY_TYPES:
        parsed.errors["family_type"] = "Kies de gezinssamenstelling."
    need = text(form, "need")
    if need not in NEEDS:
        parsed.errors["need"] = "Kies wat het gezin nodig heeft."
    municipality = text(form, "municipality_code")
    if not MUNICIPALITY_CODE.match(municipality):
        parsed.errors["municipality_code"] = "Vul een gemeentecode van vier cijfers in, bijvoorbeeld 0363."
    case_key = text(form, "case_key")
    if case_key and not CASE_KEY.match(case_key):
        parsed.errors["case_key"] = "Dit is geen zaaknummer van de keten (het begint met hh-)."
    cause, referral_source = text(form, "cause"), text(form, "referral_source")
    if cause not in CAUSES:
        parsed.errors["cause"] = "Kies waarom het gezin geen woning heeft: huisuitzetting, huiselijk geweld of anders."
    if referral_source not in REFERRAL_SOURCES:
        parsed.errors["referral_source"] = "Kies wie het gezin heeft doorverwezen."
    if parsed.ok:
        parsed.body = {
            "adults": adults,
            "children_ages": children,
            "family_type": family_type,
            "need": need,
            "municipality_code": municipality,
            "cause": cause,
            "referral_source": referral_source,
            **({"case_key": case_key} if case_key else {}),
        }
    return parsed


def request_prefill(query: Mapping[str, str], municipality_codes: list[str]) -> dict[str, str]:
    """The request form's first values: what an alert passes on (a case from an alert is an
    eviction's), the GGD's own municipality, and the GGD itself as who referred the family."""
    prefill = {name: text(query, name) for name in ("adults", "children_ages", "case_key", "municipality_code", "cause")}
    prefill["referral_source"] = text(query, "referral_source") or ReferralSource.GGD.value
    if not prefill["cause"] and prefill["case_key"]:
        prefill["cause"] = PlacementCause.EVICTION.value
    if not prefill["municipality_code"] and municipality_codes:
        prefill["municipality_code"] = municipality_codes[0]
    return prefill


CHILDREN_AGES_ERROR = "Vul de leeftijden van de kinderen in als hele getallen van 0 tot en met 17, gescheiden door komma's."


def children_ages(value: str) -> list[int] | None:
    """"3, 7" (or "3 7", "3;7") as [3, 7]; None when an age is not 0-17 or there are more than 20."""
    ages = [whole(part, 0, 17) for part in re.split(r"[,;\s]+", value) if part.strip()]
    return None if None in ages or len(ages) > 20 else ages


def calendar_day(value: str) -> date | None:
    """A date (jjjj-mm-dd), or None."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def past_day(value: str, today: date) -> date | None:
    """A date (jjjj-mm-dd) that is not in the future, or None."""
    day = calendar_day(value)
    return day if day is not None and day <= today else None


def arrears_signal(form: Mapping[str, str], today: date) -> Parsed:
    """A corporation reports rent arrears for one dwelling, as the intake expects: by its BAG
    id, or by postcode, house number and municipality code (what a person at a desk knows)."""
    parsed = Parsed()
    address = dwelling_address(form, parsed.errors)
    observed_on = past_day(text(form, "observed_on"), today)
    if observed_on is None:
        parsed.errors["observed_on"] = "Vul een datum in (jjjj-mm-dd), niet in de toekomst."
    months = whole(text(form, "months"), 1, 120)
    if months is None:
        parsed.errors["months"] = "Vul het aantal maanden achterstand in: 1 tot en met 120."
    amount = _amount(text(form, "amount_eur"))
    if amount is None:
        parsed.errors["amount_eur"] = "Vul het bedrag in euro's in, bijvoorbeeld 1450,00."
    district = text(form, "district")
    municipality = address.get("adresseerbaarObjectIdentificatie", "")[:4] or address.get("gemeentecode", "")
    if district:
        district = code_for(municipality, district) or ""
        if not district:
            known = ", ".join(DISTRICTS.get(municipality, {}).values()) or "geen: laat leeg"
            parsed.errors["district"] = f"Kies een stadsdeel of wijk van de gemeente ({known})."
    if parsed.ok:
        parsed.body = {
            "type": SignalType.ARREARS_REPORTED.value,
            "address": address,
            "observed_on": observed_on.isoformat(),
            "months": months,
            "amount_eur": str(amount),
            **({"district": district} if district else {}),
        }
    return parsed


def dwelling_address(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    dwelling = text(form, "dwelling")
    if dwelling or not (text(form, "postcode") or text(form, "huisnummer")):
        if not DWELLING_ID.match(dwelling):
            errors["dwelling"] = "Vul het BAG-verblijfsobjectnummer in (16 cijfers), of postcode, huisnummer en gemeentecode."
        return {"adresseerbaarObjectIdentificatie": dwelling}
    postcode = text(form, "postcode").replace(" ", "").upper()
    if not POSTCODE.match(postcode):
        errors["postcode"] = "Vul een postcode in, bijvoorbeeld 1069 JD."
    number = whole(text(form, "huisnummer"), 1, 99999)
    if number is None:
        errors["huisnummer"] = "Vul het huisnummer in: een heel getal."
    municipality = text(form, "gemeentecode")
    if not MUNICIPALITY_CODE.match(municipality):
        errors["gemeentecode"] = "Vul de gemeentecode in: 4 cijfers, bijvoorbeeld 0363 voor Amsterdam."
    letter, addition = text(form, "huisletter"), text(form, "huisnummertoevoeging")
    return {
        "postcode": postcode,
        "huisnummer": number,
        "gemeentecode": municipality,
        **({"huisletter": letter} if letter else {}),
        **({"huisnummertoevoeging": addition} if addition else {}),
    }


def _amount(value: str) -> Decimal | None:
    """Dutch or plain notation: 1.450,00 or 1450,00 or 1450.00."""
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(value.replace("€", "").strip())
    except InvalidOperation:
        return None
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= Decimal("100000000")
        or amount != amount.quantize(Decimal("0.01"))
    ):
        return None
    return amount.quantize(Decimal("0.01"))


def decline_reason(form: Mapping[str, str]) -> Parsed:
    reason = text(form, "reason")
    if not 3 <= len(reason) <= 300:
        return Parsed(errors={"reason": "Geef een reden van 3 tot 300 tekens."})
    return Parsed(body={"reason": reason})


def acknowledgement(form: Mapping[str, str]) -> Parsed:
    worker = text(form, "worker")
    if worker and not WORKER_ID.match(worker):
        return Parsed(
            errors={
                "worker": "Alleen uw medewerkernummer (letters, cijfers, punt, streepje), geen naam of e-mailadres."
            }
        )
    return Parsed(body={"acknowledged_by": worker} if worker else {})


def service_errors(detail: Any, fields: Mapping[str, tuple[str, str]], fallback: str) -> dict[str, str]:
    """A service's 400/409/422 field errors (portal.backend) as form errors. `fields` maps a field name in the
    service's answer to (form field, message); the last element of each `loc` that
    is known names the field, anything else is an error of the whole form."""
    errors: dict[str, str] = {}
    items = detail if isinstance(detail, list) else [{"loc": [], "msg": detail}]
    for item in items:
        location = item.get("loc", []) if isinstance(item, dict) else []
        named = next((str(part) for part in reversed(location) if str(part) in fields), None)
        if named is None:
            errors.setdefault(FORM_ERROR, fallback)
        else:
            form_field, message = fields[named]
            errors.setdefault(form_field, message)
    return errors or {FORM_ERROR: fallback}


@dataclass(frozen=True)
class Refusals:
    """Which refusals of a service (`Rejected`) a form shows next to its fields; any other goes on
    to the error page. `fields` and `fallback` as in `service_errors`. A 404, when the form
    expects one, shows `not_found` with `not_found_status`."""

    fields: Mapping[str, tuple[str, str]]
    fallback: str
    statuses: tuple[int, ...] = (400, 422)
    not_found: Mapping[str, str] | None = None
    not_found_status: int = 422


WITH_CONFLICT = (400, 409, 422)  # Refusals.statuses of a form whose step may be taken already (409)


@dataclass(frozen=True)
class Sent:
    """What became of a form: the service's answer, or the errors to show with it (and the status)."""

    answer: Any = None
    errors: dict[str, str] = field(default_factory=dict)
    status_code: int = 200


async def submit(parsed: Parsed, send: Callable[[dict[str, Any]], Awaitable[Any]], refusals: Refusals) -> Sent:
    """Send a checked form's body to a service (`send`), only when the form is right (else its own
    errors, 422). A refusal `refusals` expects becomes errors by field: a 400 as 422, a 409 or
    422 as itself. A service that does not answer, an expired session or another refusal
    goes on to the error pages (error_pages.py)."""
    if not parsed.ok:
        return Sent(errors=parsed.errors, status_code=422)
    try:
        return Sent(answer=await send(parsed.body))
    except Rejected as exc:
        if exc.status == 404 and refusals.not_found is not None:
            return Sent(errors=dict(refusals.not_found), status_code=refusals.not_found_status)
        if exc.status not in refusals.statuses:
            raise
        errors = service_errors(exc.detail, refusals.fields, refusals.fallback)
        return Sent(errors=errors, status_code=422 if exc.status == 400 else exc.status)
