from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    """The `data` of a CloudEvent. Never carries a name, BSN, birth date or exact address."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str] = ""
    topic: ClassVar[str] = ""
