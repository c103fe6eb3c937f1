from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator


class EventData(BaseModel):
    """The `data` of a CloudEvent. Never carries a name, BSN, birth date, exact address or
    free text a person wrote (tests/unit/shared/test_no_free_text_in_contracts.py).

    `retired`: fields a contract no longer has. Records on the topics written before the
    change still carry them; they are dropped when read, so an old record decodes and its
    content goes no further (docs/adr/0023-privacy-in-every-service.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str] = ""
    topic: ClassVar[str] = ""
    retired: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _drop_retired_fields(cls, data: Any) -> Any:
        if cls.retired and isinstance(data, dict) and cls.retired & data.keys():
            return {key: value for key, value in data.items() if key not in cls.retired}
        return data
