"""The workbench's use cases: list, show, replay, discard; each one recorded in the ledger.

Reads are recorded before anything is shown (no record, no read); a replay is recorded
after the broker took the republished record, so a failure in between leaves the dead
letter open and a second replay, which consumers absorb (they handle an event once per
CloudEvent id), is the worst that can happen. The decisions are in letters and ledger;
this module only fetches, calls them and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Callable

from services.cli.dlq import kafka_io
from services.cli.dlq.envelope_view import event_id
from services.cli.dlq.kafka_io import Outgoing
from services.cli.dlq.ledger import Action, LedgerEntry, LetterState, Operator, closed, decode, recorded, states
from services.cli.dlq.letters import (
    DeadLetter,
    Location,
    SelectionError,
    TopicSummary,
    replay_headers,
    select,
    summarise,
    with_same_source,
)
from services.cli.dlq.topology import dead_letter_topics, ledger_spec, source_topic


@dataclass(frozen=True)
class Selection:
    offsets: list[tuple[int, int]]
    every: bool
    reason_contains: str | None


@dataclass(frozen=True)
class Acted:
    """What a replay or discard did, per dead letter."""

    letters: list[DeadLetter]
    entries: list[LedgerEntry]


class NotRecorded(RuntimeError):
    """The broker took the replayed records but not the ledger entries (they stay open)."""


@dataclass
class Workbench:
    bootstrap: str
    prefix: str
    operator: Operator
    definitions: dict[str, Any]
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @property
    def ledger_topic(self) -> str:
        return ledger_spec(self.definitions, self.prefix).name

    async def ledger(self) -> list[LedgerEntry]:
        if self.ledger_topic not in await kafka_io.existing_topics(self.bootstrap):
            return []
        entries = [decode(record.value) for record in await kafka_io.read_topic(self.bootstrap, self.ledger_topic)]
        return [entry for entry in entries if entry is not None]

    async def record(self, entries: list[LedgerEntry]) -> None:
        await kafka_io.ensure_topic(self.bootstrap, ledger_spec(self.definitions, self.prefix))
        await kafka_io.publish(
            self.bootstrap, [Outgoing(self.ledger_topic, entry.key.encode(), entry.encode()) for entry in entries]
        )

    async def letters(self, dead_letter_topic: str) -> list[DeadLetter]:
        return [record.dead_letter() for record in await kafka_io.read_topic(self.bootstrap, dead_letter_topic)]

    async def summaries(self, only: str | None = None) -> list[TopicSummary]:
        """Each of the chain's dead-letter topics that exists, with its open dead letters."""
        existing = await kafka_io.existing_topics(self.bootstrap)
        closed_keys = set(closed(await self.ledger()))
        return [
            summarise(topic, await self.letters(topic), closed_keys)
            for topic in dead_letter_topics(self.definitions, self.prefix, only).values()
            if topic in existing
        ]

    async def list(self, only: str | None, why: str | None) -> tuple[list[TopicSummary], LedgerEntry]:
        summaries = await self.summaries(only)
        entry = recorded(
            self.operator, Action.LISTED, self.now(), why=why, topics={summary.topic: len(summary.open) for summary in summaries}
        )
        await self.record([entry])
        return summaries, entry

    async def show(self, topic: str, partition: int, offset: int, why: str | None) -> tuple[DeadLetter, LetterState, LedgerEntry]:
        [dead_letter_topic] = dead_letter_topics(self.definitions, self.prefix, topic).values()
        raw = await kafka_io.read_one(self.bootstrap, Location(dead_letter_topic, partition, offset))
        if raw is None:
            raise SelectionError(f"no dead letter at {dead_letter_topic} {partition}/{offset}")
        letter = raw.dead_letter()
        state = states(await self.ledger()).get(letter.at.key, (LetterState.OPEN, None))[0]
        entry = recorded(self.operator, Action.SHOWN, self.now(), why=why, **_about(letter))
        await self.record([entry])
        return letter, state, entry

    async def replay(self, topic: str, selection: Selection, why: str) -> Acted:
        dead_letter_topic, letters, chosen, closed_map = await self._chosen(topic, selection)
        chosen = with_same_source(chosen, letters, closed_map)
        expected = source_topic(self.definitions, dead_letter_topic)
        for letter in chosen:
            if letter.source is None or letter.source.topic != expected:
                raise SelectionError(f"{letter.at.short} does not name {expected} as its source: not replayed")
        firsts: dict[Location, DeadLetter] = {}
        for letter in chosen:  # one record back per source record, however many groups dead-lettered it
            firsts.setdefault(letter.source, letter)
        outgoing = [Outgoing(expected, letter.key, letter.value, replay_headers(letter)) for letter in firsts.values()]
        places = dict(zip(firsts, await kafka_io.publish(self.bootstrap, outgoing)))
        at = self.now()
        entries = [
            recorded(self.operator, Action.REPLAYED, at, why=why, outcome=f"republished to {places[letter.source].key}", **_about(letter))
            for letter in chosen
        ]
        try:
            await self.record(entries)
        except Exception as problem:  # noqa: BLE001 - said plainly: replayed, not recorded
            raise NotRecorded(
                f"replayed to {expected}, but the ledger did not take the entries ({problem}); "
                "the dead letters still show as open: replaying them again is harmless"
            ) from problem
        return Acted(chosen, entries)

    async def discard(self, topic: str, selection: Selection, why: str) -> Acted:
        _topic, _letters, chosen, _closed = await self._chosen(topic, selection)
        at = self.now()
        entries = [recorded(self.operator, Action.DISCARDED, at, why=why, **_about(letter)) for letter in chosen]
        await self.record(entries)
        return Acted(chosen, entries)

    async def _chosen(self, topic: str, selection: Selection):
        [dead_letter_topic] = dead_letter_topics(self.definitions, self.prefix, topic).values()
        letters = await self.letters(dead_letter_topic)
        closed_map = closed(await self.ledger())
        chosen = select(
            letters, closed_map, offsets=selection.offsets, every=selection.every, reason_contains=selection.reason_contains
        )
        if not chosen:
            raise SelectionError(f"no open dead letter on {dead_letter_topic} matches")
        return dead_letter_topic, letters, chosen, closed_map


def _about(letter: DeadLetter) -> dict[str, str | None]:
    return {
        "dead_letter": letter.at.key,
        "source": letter.source.key if letter.source else None,
        "consumer_group": letter.consumer_group or None,
        "event_id": event_id(letter.value),
    }
