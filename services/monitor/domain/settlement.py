"""One consumed batch settled in memory: what it adds to each counter and which join rows
it leaves behind, by the rules of facts.py applied event by event, in order.

The store reads the join rows the batch can touch once, hands them here, and writes the
result back in a few statements: one upsert per counter cell the batch changed, not one
per event. Pure: no database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from services.monitor.domain.facts import Cell, Fact, JoinKey, Profile, Reading, rejoin, resolve


@dataclass(frozen=True)
class StoredProfile:
    profile: Profile
    single_use: bool


@dataclass(frozen=True)
class Waiting:
    """A fact waiting for its profile: stored (`row_id`) or from this batch (None)."""

    fact: Fact
    row_id: int | None = None


@dataclass
class Settlement:
    deltas: Counter[Cell] = field(default_factory=Counter)
    pending_added: list[tuple[str, Fact]] = field(default_factory=list)
    pending_removed: list[int] = field(default_factory=list)  # stored rows whose profile came
    profiles_added: dict[str, StoredProfile] = field(default_factory=dict)
    profiles_removed: set[str] = field(default_factory=set)  # stored profiles used up (single use)

    def changed(self) -> dict[Cell, int]:
        return {cell: delta for cell, delta in sorted(self.deltas.items()) if delta}


def settle(
    readings: Iterable[Reading],
    link: Callable[[JoinKey], str],
    stored: dict[str, StoredProfile],
    waiting: dict[str, list[Waiting]],
) -> Settlement:
    """`stored`: the profiles of every link the batch names; `waiting`: the stored pending facts
    of every link the batch offers a profile for."""
    state = _State(link, dict(stored), {key: list(rows) for key, rows in waiting.items()})
    for reading in readings:
        for key, profile in reading.profiles:
            state.offer(key, profile)
        for key, facts in _by_key(reading.facts).items():
            state.count(key, facts)
    return state.result(stored)


class _State:
    def __init__(self, link, profiles: dict[str, StoredProfile], waiting: dict[str, list[Waiting]]):
        self.link = link
        self.profiles = profiles
        self.waiting = waiting
        self.out = Settlement()

    def offer(self, key: JoinKey, profile: Profile) -> None:
        link = self.link(key)
        waits = self.waiting.pop(link, [])
        for waiting in waits:
            self.out.deltas.update(dict(rejoin(waiting.fact, profile)))
            if waiting.row_id is not None:
                self.out.pending_removed.append(waiting.row_id)
        if waits and key.single_use:
            return  # its one fact is settled: nothing left to join
        self.profiles.setdefault(link, StoredProfile(profile, key.single_use))  # the first profile counts

    def count(self, key: JoinKey | None, facts: list[Fact]) -> None:
        link = self.link(key) if key is not None else None
        held = self.profiles.get(link) if link is not None else None
        for fact in facts:
            cell = resolve(fact, held.profile if held else None)
            if cell is not None:
                self.out.deltas[cell] += 1
            if link is not None and held is None:
                self.waiting.setdefault(link, []).append(Waiting(fact))
        if held is not None and held.single_use:
            del self.profiles[link]
            self.out.profiles_removed.add(link)

    def result(self, stored: dict[str, StoredProfile]) -> Settlement:
        out = self.out
        out.profiles_removed &= set(stored)  # a profile of this batch used up is simply never written
        out.profiles_added = {
            link: held for link, held in self.profiles.items() if link not in stored or link in out.profiles_removed
        }
        out.pending_added = [(link, w.fact) for link, rows in self.waiting.items() for w in rows if w.row_id is None]
        return out


def _by_key(facts: tuple[Fact, ...]) -> dict[JoinKey | None, list[Fact]]:
    grouped: dict[JoinKey | None, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.join, []).append(fact)
    return grouped
