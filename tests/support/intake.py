"""What a partner posts to the intake: an arrears signal's HTTP body for a family's dwelling."""

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
