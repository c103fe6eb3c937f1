"""A signal sealed with an address key that triage no longer has (lost in a bad deployment):
the record triage cannot open and so sends to the dead letters."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from shared.contracts.envelope import new_event
from shared.contracts.events.signals import ArrearsReported
from shared.privacy import AddressSeal, Dwelling, generate_address_key, household_pseudonym
from shared.settings import DEV_PSEUDONYM_KEY

FAMILY_DWELLING = "0363010001004477"  # two parents and their children in the register stand-in
LOST_KEY = generate_address_key()  # the intake sealed with it; triage lost it in a bad deployment


def sealed_signal():
    sealed = AddressSeal([LOST_KEY]).seal(Dwelling(adresseerbaar_object_id=FAMILY_DWELLING))
    data = ArrearsReported(
        signal_id=uuid.uuid4(), reported_by="ymere", sealed_address=sealed, municipality_code="0363",
        observed_on=date.today() - timedelta(days=2), months=2, amount_eur="1450.00",
    )  # fmt: skip
    subject = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), FAMILY_DWELLING)
    return new_event(data, source="urn:nld:kvk:90000001:systeem:incasso", subject=subject, time=datetime.now().astimezone()), sealed
