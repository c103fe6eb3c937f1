"""One pydantic model per event type. Import `REGISTRY` to map a type string to its model."""

from shared.contracts.events.base import EventData
from shared.contracts.events import deliveries, follow_up, placement, prevention, signals, triage

_MODULES = (signals, triage, follow_up, prevention, placement, deliveries)


def _collect() -> dict[str, type[EventData]]:
    registry: dict[str, type[EventData]] = {}
    for module in _MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, EventData) and value.event_type:
                registry[value.event_type] = value
    return registry


REGISTRY: dict[str, type[EventData]] = _collect()

__all__ = ["EventData", "REGISTRY"]
