"""Dead letters as the workbench sees them (pure: no Kafka here).

A consumer (`shared.bus.consumer.EventConsumer._dead_letter`) parks a record on
`<topic>.dlq` with its original key, value and headers, plus the `dlq-*` headers
below. `DeadLetter.from_record` reads that back; `summarise` groups a topic's open
dead letters; `select` picks the ones an operator names; `replay_headers` gives the
headers a replayed record carries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.bus.dead_letter_metrics import OpenOnTopic, ReasonKind, reason_kind
from shared.bus.port import Headers

# The headers EventConsumer adds (tests/unit/cli/test_dead_letters.py dead-letters a
# record through it and reads them back, so the two cannot drift apart).
REASON = "dlq-reason"
SOURCE_TOPIC = "dlq-source-topic"
SOURCE_PARTITION = "dlq-source-partition"
SOURCE_OFFSET = "dlq-source-offset"
CONSUMER_GROUP = "dlq-consumer-group"
TIME = "dlq-time"
# Added by the workbench to a replayed record: which dead letter it came from. A record
# dead-lettered again after a replay carries it on, so its new dead letter says so.
REPLAY_OF = "dlq-replay-of"
DLQ_HEADER_PREFIX = "dlq-"
REASON_GROUP_LENGTH = 120  # reasons are grouped by their first characters


@dataclass(frozen=True)
class Location:
    """A record's place: topic, partition, offset. `key` names it in the ledger."""

    topic: str
    partition: int
    offset: int

    @property
    def key(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"

    @property
    def short(self) -> str:
        return f"{self.partition}/{self.offset}"


@dataclass(frozen=True)
class DeadLetter:
    at: Location  # on the dead-letter topic
    source: Location | None  # where the consumer read it (None: headers missing or unreadable)
    consumer_group: str
    reason: str
    dead_lettered_at: datetime
    key: bytes | None
    value: bytes
    original_headers: Headers = field(default=())
    replay_of: str | None = None

    @property
    def reason_kind(self) -> ReasonKind:
        return reason_kind(self.reason)

    @classmethod
    def from_record(
        cls, topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None, headers: Headers, timestamp_ms: int
    ) -> DeadLetter:
        dlq = {name: raw.decode(errors="replace") for name, raw in headers if name.startswith(DLQ_HEADER_PREFIX)}
        return cls(
            at=Location(topic, partition, offset),
            source=_source(dlq),
            consumer_group=dlq.get(CONSUMER_GROUP, ""),
            reason=dlq.get(REASON, "(no dlq-reason header)"),
            dead_lettered_at=_time(dlq.get(TIME), timestamp_ms),
            key=key or None,
            value=value or b"",
            original_headers=tuple((name, raw) for name, raw in headers if not name.startswith(DLQ_HEADER_PREFIX)),
            replay_of=dlq.get(REPLAY_OF),
        )


def _source(dlq: dict[str, str]) -> Location | None:
    try:
        return Location(dlq[SOURCE_TOPIC], int(dlq[SOURCE_PARTITION]), int(dlq[SOURCE_OFFSET]))
    except (KeyError, ValueError):
        return None


def _time(text: str | None, timestamp_ms: int) -> datetime:
    if text:
        try:
            parsed = datetime.fromisoformat(text)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC)


def replay_headers(letter: DeadLetter) -> Headers:
    """The record's own headers, and where the replay came from."""
    return (*letter.original_headers, (REPLAY_OF, letter.at.key.encode()))


@dataclass(frozen=True)
class ReasonGroup:
    kind: ReasonKind
    reason: str  # its first REASON_GROUP_LENGTH characters
    consumer_group: str
    letters: tuple[DeadLetter, ...]


@dataclass(frozen=True)
class TopicSummary:
    topic: str
    open: tuple[DeadLetter, ...]
    closed: int  # replayed or discarded, still on the topic until retention removes them

    @property
    def oldest(self) -> datetime | None:
        return min((letter.dead_lettered_at for letter in self.open), default=None)

    @property
    def newest(self) -> datetime | None:
        return max((letter.dead_lettered_at for letter in self.open), default=None)

    def reasons(self) -> list[ReasonGroup]:
        """Open dead letters grouped by kind, reason and consumer group; the largest group first."""
        groups: dict[tuple[ReasonKind, str, str], list[DeadLetter]] = {}
        for letter in self.open:
            key = (letter.reason_kind, letter.reason[:REASON_GROUP_LENGTH], letter.consumer_group)
            groups.setdefault(key, []).append(letter)
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        return [ReasonGroup(kind, reason, group, tuple(letters)) for (kind, reason, group), letters in ordered]

    def kinds(self) -> Counter[ReasonKind]:
        return Counter(letter.reason_kind for letter in self.open)

    def metric(self) -> OpenOnTopic:
        return OpenOnTopic(self.topic, len(self.open), self.oldest)


def summarise(topic: str, letters: list[DeadLetter], closed: set[str]) -> TopicSummary:
    """`closed`: ledger keys of dead letters that were replayed or discarded."""
    still_open = tuple(letter for letter in letters if letter.at.key not in closed)
    return TopicSummary(topic, still_open, len(letters) - len(still_open))


class SelectionError(ValueError):
    """The operator named dead letters that cannot be acted on; nothing was done."""


def parse_offset(text: str) -> tuple[int, int]:
    """`PARTITION/OFFSET` as `dlq list --records` prints it."""
    partition, slash, offset = text.partition("/")
    if not slash or not partition.isdigit() or not offset.isdigit():
        raise SelectionError(f"--offset {text!r}: expected PARTITION/OFFSET, e.g. 2/17")
    return int(partition), int(offset)


def select(
    letters: list[DeadLetter], closed: dict[str, str], *, offsets: list[tuple[int, int]], every: bool, reason_contains: str | None
) -> list[DeadLetter]:
    """The open dead letters an operator names: by `--offset`, or `--all`, narrowed by a
    piece of the reason. `closed` maps a closed dead letter's key to what closed it."""
    if bool(offsets) == every:
        raise SelectionError("name the dead letters with --offset PARTITION/OFFSET (repeatable), or --all")
    by_place = {(letter.at.partition, letter.at.offset): letter for letter in letters}
    if offsets:
        chosen = []
        for place in offsets:
            letter = by_place.get(place)
            if letter is None:
                raise SelectionError(f"no dead letter at {place[0]}/{place[1]} (gone with retention, or never there)")
            if letter.at.key in closed:
                raise SelectionError(f"{letter.at.short} is no longer open: {closed[letter.at.key]}")
            chosen.append(letter)
    else:
        chosen = [letter for letter in letters if letter.at.key not in closed]
    if reason_contains:
        chosen = [letter for letter in chosen if reason_contains.lower() in letter.reason.lower()]
    return chosen


def with_same_source(chosen: list[DeadLetter], letters: list[DeadLetter], closed: dict[str, str]) -> list[DeadLetter]:
    """A replay puts the source record back for every consumer group of its topic, so the
    open dead letters other groups made of the same record are replayed with it."""
    sources = {letter.source for letter in chosen if letter.source is not None}
    keys = {letter.at.key for letter in chosen}
    extra = [
        letter for letter in letters
        if letter.source in sources and letter.at.key not in keys and letter.at.key not in closed
    ]  # fmt: skip
    return [*chosen, *extra]
