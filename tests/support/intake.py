"""What a partner posts to the intake: an arrears signal's HTTP body for a family's dwelling,
and numbered rows of a corporation's batch, each for a dwelling of its own."""

FAMILY_DWELLING = "0363010001004477"


def arrears_body(**overrides):
    body = {
        "type": "arrears.reported",
        "address": {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING, "postcode": "1069JD", "huisnummer": 12},
        "observed_on": "2026-11-27",
        "months": 2,
        "amount_eur": "1450.00",
    }
    body.update(overrides)
    return body


def dwelling(n: int) -> str:
    return f"036301000099{n:04d}"


def arrears_row(n: int, reference: str | None = None, **overrides) -> dict:
    row = {
        "type": "arrears.reported",
        "address": {"adresseerbaarObjectIdentificatie": dwelling(n), "postcode": "1069JD", "huisnummer": 12},
        "observed_on": "2026-11-27",
        "months": 2,
        "amount_eur": "1450.00",
    }
    if reference is not None:
        row["reference"] = reference
    row.update(overrides)
    return row
