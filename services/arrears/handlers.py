"""What the intake reacts to: triage's routing of a signal, so its signaller can see it."""

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types
from shared.contracts.envelope import Event
from shared.contracts.events.triage import AlertRaised
from services.arrears.tables import Signal, SignalRouting


async def record_routing(session: AsyncSession, event: Event) -> None:
    alert: AlertRaised = event.data
    if await session.get(Signal, alert.signal_id) is None:
        return  # an alert about a signal another intake received
    session.add(
        SignalRouting(
            alert_id=alert.alert_id,
            signal_id=alert.signal_id,
            recipient=alert.recipient,
            kind=alert.kind.value,
            routed_at=event.envelope.time,
        )
    )


HANDLERS = {event_types.ALERT_RAISED: record_routing}
