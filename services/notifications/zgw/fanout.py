"""An event for an organisation becomes one delivery per abonnement of that organisation
whose filters want it; the chain's deliverer sends them (services.notifications.targets).

An abonnement hears only of events addressed to its own organisation (the event's
`recipient`, an `also_notify`, or the fallback of an escalation): the kanalen and filters
narrow that down, they never widen it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import Event
from services.notifications.pending import pending_delivery
from services.notifications.tables import Abonnement
from services.notifications.zgw.kanalen import matches
from services.notifications.zgw.notificatie import ResourceLinks, notificatie, stored


async def add_abonnement_deliveries(
    session: AsyncSession, event: Event, recipient: str, now: datetime, links: ResourceLinks
) -> int:
    abonnementen = await active_abonnementen(session, recipient)
    if not abonnementen:  # most recipients have none: no notificatie to build
        return 0
    body = notificatie(event, links)
    if body is None:
        return 0
    wanting = [abonnement for abonnement in abonnementen if matches(abonnement.kanalen, body["kanaal"], body["kenmerken"])]
    if not wanting:
        return 0
    text = stored(body, event)  # with the event's trace context, taken off before it is sent
    for abonnement in wanting:
        session.add(pending_delivery(event, abonnement.id, recipient, text, now))
    return len(wanting)


async def active_abonnementen(session: AsyncSession, recipient: str) -> list[Abonnement]:
    """Read once per transaction: a consumed batch of many alerts for one team asks once."""
    known: dict[str, list[Abonnement]] = session.info.setdefault("active_abonnementen", {})
    if recipient not in known:
        known[recipient] = list((await session.exec(_ACTIVE_ABONNEMENTEN, params={"recipient": recipient})).all())
    return known[recipient]


# Built once (docs/adr/0058).
_ACTIVE_ABONNEMENTEN = select(Abonnement).where(
    Abonnement.organisation_id == bindparam("recipient"), Abonnement.active == True  # noqa: E712
)
