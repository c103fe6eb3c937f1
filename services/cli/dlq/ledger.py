"""The dead-letter ledger (pure): what was done to which dead letter, by whom, when, why.

Kafka cannot delete one record, so a dead letter is never removed: the workbench
appends a ledger entry when it replays or discards one, and a dead letter is open
while no closing entry names it (docs/adr/0020-dead-letter-workbench.md). Every read
(`list`, `show`) is appended too: the ledger is also the audit of the workbench.

A dead letter's states and what moves it:

    open --replayed--> replayed
    open --discarded--> discarded

Both are final. A record that fails again after a replay is a new dead letter (a new
offset), open in its own right; its `dlq-replay-of` header names the one before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

LEDGER_TOPIC = "signaalketen.dlq-ledger"  # with the deployment's prefix
OPERATOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")
WHY_MAX = 200
# A reason is free text on Kafka: it may name the cause or a ticket, never a person or a
# dwelling. Refused: runs of 8 or more digits (BSN, BAG id, phone number, even with
# spaces, dots or dashes) and Dutch postcodes.
_LONG_NUMBER = re.compile(r"(?:\d[ .-]?){7}\d")
_POSTCODE = re.compile(r"\b[1-9]\d{3} ?[A-Za-z]{2}\b")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Action(StrEnum):
    LISTED = "listed"
    SHOWN = "shown"
    REPLAYED = "replayed"
    DISCARDED = "discarded"
    EXPORTER_STARTED = "exporter-started"


class LetterState(StrEnum):
    OPEN = "open"
    REPLAYED = "replayed"
    DISCARDED = "discarded"


TRANSITIONS: dict[LetterState, dict[Action, LetterState]] = {
    LetterState.OPEN: {Action.REPLAYED: LetterState.REPLAYED, Action.DISCARDED: LetterState.DISCARDED},
    LetterState.REPLAYED: {},
    LetterState.DISCARDED: {},
}


class InvalidInput(ValueError):
    """An operator id or a reason the ledger must not hold."""


@dataclass(frozen=True)
class Operator:
    """Who acts: the id the operator gives (an account name or employee number, not a full
    name) and the machine user the command ran as (`user@host`)."""

    id: str
    machine_user: str

    @classmethod
    def checked(cls, operator_id: str | None, machine_user: str) -> Operator:
        if not operator_id:
            raise InvalidInput("--operator (or SIGNAL_OPERATOR) is required: every use of the workbench is recorded with who")
        if not OPERATOR.fullmatch(operator_id):
            raise InvalidInput("--operator: an account id of 2-64 letters, digits, '.', '_', '@' or '-' (no spaces, not a full name)")
        return cls(operator_id, machine_user)


def checked_why(text: str | None, *, required: bool) -> str | None:
    if text is None or not text.strip():
        if required:
            raise InvalidInput("--reason is required: say why (the cause, or a ticket), for the ledger")
        return None
    text = text.strip()
    if len(text) > WHY_MAX:
        raise InvalidInput(f"--reason: at most {WHY_MAX} characters")
    if _CONTROL.search(text):
        raise InvalidInput("--reason: no control characters")
    if _LONG_NUMBER.search(text) or _POSTCODE.search(text):
        raise InvalidInput("--reason: name the cause or a ticket, never personal data (8+ digits or a postcode are refused)")
    return text


class LedgerEntry(BaseModel):
    """One line of the ledger, the JSON value of one record on the ledger topic."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    at: AwareDatetime
    action: Action
    operator: str
    machine_user: str
    why: str | None = None
    dead_letter: str | None = None  # topic/partition/offset on the dead-letter topic
    source: str | None = None  # topic/partition/offset the consumer read it from
    consumer_group: str | None = None
    event_id: str | None = None  # the CloudEvent id, when the record has a valid one
    topics: dict[str, int] | None = None  # `listed`: open dead letters per topic
    outcome: str | None = None  # e.g. where a replay was republished

    @property
    def key(self) -> str:
        """The ledger record's key: the dead letter it is about, else the action."""
        return self.dead_letter or self.action.value

    def concerns(self, dead_letter_topic: str) -> bool:
        """About a dead letter of the topic, or a list that read the topic."""
        return (self.dead_letter or "").startswith(dead_letter_topic + "/") or dead_letter_topic in (self.topics or {})

    def encode(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    def line(self) -> str:
        """The entry as the command prints it."""
        what = self.dead_letter or ", ".join(f"{topic} ({count} open)" for topic, count in (self.topics or {}).items()) or "-"
        parts = [f"{self.at.isoformat(timespec='seconds')}", f"{self.operator} ({self.machine_user})", self.action.value, what]
        if self.outcome:
            parts.append(self.outcome)
        parts.append(f"why: {self.why}" if self.why else "why: (not given)")
        return " · ".join(parts)


def recorded(operator: Operator, action: Action, at: datetime, **fields) -> LedgerEntry:
    return LedgerEntry(at=at, action=action, operator=operator.id, machine_user=operator.machine_user, **fields)


def decode(value: bytes | None) -> LedgerEntry | None:
    """None for a record that is no ledger entry (the ledger topic is written by the workbench only)."""
    try:
        return LedgerEntry.model_validate_json(value or b"")
    except ValidationError:
        return None


def states(entries: list[LedgerEntry]) -> dict[str, tuple[LetterState, LedgerEntry]]:
    """Each dead letter the ledger closed: its state and the entry that closed it. The
    first closing entry wins; a later one (two operators at once) changes nothing."""
    found: dict[str, tuple[LetterState, LedgerEntry]] = {}
    for entry in entries:
        if entry.dead_letter is None:
            continue
        state = found.get(entry.dead_letter, (LetterState.OPEN, entry))[0]
        after = TRANSITIONS[state].get(entry.action)
        if after is not None:
            found[entry.dead_letter] = (after, entry)
    return found


def closed(entries: list[LedgerEntry]) -> dict[str, str]:
    """Closed dead letters' keys, each with what closed it, for messages."""
    return {
        key: f"{state.value} by {entry.operator} at {entry.at.isoformat(timespec='seconds')}"
        for key, (state, entry) in states(entries).items()
    }
