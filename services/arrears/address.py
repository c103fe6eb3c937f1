"""The dwelling a partner names: its BAG id, or postcode + huisnummer with the municipality
code. Part of every signal a partner posts (services.arrears.schemas)."""

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError


class Address(BaseModel):
    """The dwelling: its BAG id, or postcode + huisnummer (letter and addition optional).

    Without a BAG id the municipality cannot be read from the address, so
    `gemeentecode` is then required; with both, they must agree."""

    model_config = ConfigDict(extra="forbid")

    adresseerbaarObjectIdentificatie: str | None = Field(
        default=None,
        pattern=r"^[0-9]{16}$",
        description="BAG id of the dwelling: 4-digit municipality code, '01', 10-digit number. "
        "Required unless postcode and huisnummer are given",
    )
    postcode: str | None = Field(default=None, pattern=r"^[1-9][0-9]{3}[A-Z]{2}$")
    huisnummer: int | None = Field(default=None, ge=1, le=99999)
    huisletter: str | None = Field(default=None, pattern=r"^[a-zA-Z]$")
    huisnummertoevoeging: str | None = Field(default=None, pattern=r"^[a-zA-Z0-9 \-]{1,4}$")
    gemeentecode: str | None = Field(
        default=None,
        pattern=r"^[0-9]{4}$",
        description="CBS gemeentecode (e.g. 0363). Required without a BAG id; with one, must equal its first 4 digits",
    )

    @model_validator(mode="after")
    def _identifies_a_dwelling(self) -> "Address":
        problems = address_problems(self)
        if problems:
            raise ValidationError.from_exception_data(
                "Address",
                [InitErrorDetails(type=PydanticCustomError(kind, message), loc=(field,), input=None) for field, kind, message in problems],
            )
        return self

    @property
    def municipality_code(self) -> str:
        return self.adresseerbaarObjectIdentificatie[:4] if self.adresseerbaarObjectIdentificatie else self.gemeentecode


NO_DWELLING = "address_incomplete"
MUNICIPALITY_MISMATCH = "gemeentecode_mismatch"


def address_problems(address: Address) -> list[tuple[str, str, str]]:
    """(field, error type, message) for an address that names no dwelling or two municipalities."""
    object_id = address.adresseerbaarObjectIdentificatie
    if object_id is not None:
        if address.gemeentecode is not None and address.gemeentecode != object_id[:4]:
            return [("gemeentecode", MUNICIPALITY_MISMATCH, "gemeentecode must equal the first 4 digits of adresseerbaarObjectIdentificatie")]
        return []
    if address.postcode is None and address.huisnummer is None:
        return [("adresseerbaarObjectIdentificatie", NO_DWELLING, "give adresseerbaarObjectIdentificatie, or postcode and huisnummer")]
    problems = [
        (name, "missing", f"{name} is required with {other} when there is no adresseerbaarObjectIdentificatie")
        for name, other in (("postcode", "huisnummer"), ("huisnummer", "postcode"))
        if getattr(address, name) is None
    ]
    if address.gemeentecode is None:
        problems.append(("gemeentecode", "missing", "gemeentecode is required when there is no adresseerbaarObjectIdentificatie"))
    return problems
