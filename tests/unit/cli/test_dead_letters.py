"""The workbench's decisions (pure): reading a dead letter back, grouping, choosing, the
ledger's states, what may be printed and what may be recorded. On real Kafka:
tests/e2e/test_dead_letter_workbench.py."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.cli.dlq.envelope_view import view
from services.cli.dlq.ledger import Action, InvalidInput, LetterState, Operator, checked_why, closed, decode, recorded, states
from services.cli.dlq.letters import (
    REPLAY_OF,
    DeadLetter,
    Location,
    SelectionError,
    replay_headers,
    select,
    summarise,
    with_same_source,
)
from services.cli.dlq.topology import UnknownTopic, dead_letter_topics, ledger_spec
from services.cli.topics import load_definitions
from shared.bus.consumer import EventConsumer, RetryPolicy, Unprocessable
from shared.bus.dead_letter_metrics import ReasonKind
from shared.bus.memory import InMemoryBus
from shared.contracts.envelope import encode
from tests.unit.shared.test_envelope import arrears_event

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
OPERATOR = Operator("ops.devries", "root@host")


def letter(partition: int, offset: int, reason: str = "rejected: not JSON", *, group="triage", source_offset=None, minutes=0) -> DeadLetter:
    source = Location("signals", partition, offset if source_offset is None else source_offset)
    return DeadLetter(
        at=Location("signals.dlq", partition, offset), source=source, consumer_group=group, reason=reason,
        dead_lettered_at=T0 + timedelta(minutes=minutes), key=b"hh-0123456789abcdef", value=b"x",
    )  # fmt: skip


async def test_a_dead_letter_made_by_the_consumer_reads_back_with_its_source_group_reason_and_own_headers():
    bus = InMemoryBus()
    event = arrears_event()
    bus.append_raw("signals", encode(event), key=b"hh-0123456789abcdef")

    async def handle(_event):
        raise Unprocessable("sealed address cannot be opened with the configured keys")

    await bus.deliver_pending(["signals"], "triage", EventConsumer(bus, "triage", handle, RetryPolicy(attempts=1)).process_batch)
    [record] = bus.records("signals.dlq")
    dead = DeadLetter.from_record("signals.dlq", record.partition, record.offset, record.key, record.value, record.headers, 0)
    assert dead.source == Location("signals", 0, 0) and dead.consumer_group == "triage"
    assert dead.reason == "unprocessable: sealed address cannot be opened with the configured keys"
    assert dead.reason_kind is ReasonKind.UNPROCESSABLE
    assert abs(dead.dead_lettered_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert dead.original_headers == () and dead.value == encode(event) and dead.key == b"hh-0123456789abcdef"
    assert replay_headers(dead) == ((REPLAY_OF, f"signals.dlq/{record.partition}/{record.offset}".encode()),)


def test_open_dead_letters_are_summarised_with_oldest_newest_and_reasons_grouped_largest_first():
    letters = [
        letter(0, 1, "rejected: not JSON", minutes=5),
        letter(0, 2, "unprocessable: seal", minutes=1),
        letter(1, 1, "rejected: not JSON", minutes=9),
        letter(1, 2, "rejected: not JSON", minutes=3),
    ]
    summary = summarise("signals.dlq", letters, closed={"signals.dlq/1/1"})
    assert len(summary.open) == 3 and summary.closed == 1
    assert (summary.oldest, summary.newest) == (T0 + timedelta(minutes=1), T0 + timedelta(minutes=5))
    groups = summary.reasons()
    assert [(group.reason, len(group.letters)) for group in groups] == [("rejected: not JSON", 2), ("unprocessable: seal", 1)]
    assert summary.kinds() == {ReasonKind.REJECTED: 2, ReasonKind.UNPROCESSABLE: 1}
    assert summary.metric().open == 3 and summary.metric().oldest == T0 + timedelta(minutes=1)


def test_selection_by_offset_or_all_narrowed_by_reason_and_closed_ones_refused():
    letters = [letter(0, 1, "rejected: not JSON"), letter(0, 2, "unprocessable: seal"), letter(1, 1, "unprocessable: Seal")]
    closed_map = {"signals.dlq/1/1": "discarded by x"}
    every = select(letters, closed_map, offsets=[], every=True, reason_contains="SEAL")
    assert [dead.at.short for dead in every] == ["0/2"]
    assert [dead.at.short for dead in select(letters, {}, offsets=[(1, 1)], every=False, reason_contains=None)] == ["1/1"]
    with pytest.raises(SelectionError, match="1/1 is no longer open: discarded by x"):
        select(letters, closed_map, offsets=[(1, 1)], every=False, reason_contains=None)
    with pytest.raises(SelectionError, match="no dead letter at 7/7"):
        select(letters, {}, offsets=[(7, 7)], every=False, reason_contains=None)
    with pytest.raises(SelectionError, match="--offset"):
        select(letters, {}, offsets=[], every=False, reason_contains=None)


def test_a_replay_takes_along_the_open_dead_letters_other_groups_made_of_the_same_record():
    triage = letter(0, 1, group="triage", source_offset=40)
    monitor = letter(0, 2, group="monitor", source_offset=40)
    other = letter(0, 3, group="monitor", source_offset=41)
    closed_sibling = letter(0, 4, group="audit", source_offset=40)
    chosen = with_same_source([triage], [triage, monitor, other, closed_sibling], {closed_sibling.at.key: "discarded"})
    assert chosen == [triage, monitor]


def test_the_ledger_closes_a_dead_letter_once_and_the_first_closing_entry_wins():
    replayed = recorded(OPERATOR, Action.REPLAYED, T0, dead_letter="signals.dlq/0/1", why="key restored")
    shown = recorded(OPERATOR, Action.SHOWN, T0, dead_letter="signals.dlq/0/2")
    late = recorded(Operator("ops.other", "u@h"), Action.DISCARDED, T0 + timedelta(minutes=1), dead_letter="signals.dlq/0/1", why="x")
    entries = [decode(entry.encode()) for entry in (replayed, shown, late)]
    assert states(entries) == {"signals.dlq/0/1": (LetterState.REPLAYED, replayed)}
    assert closed(entries) == {"signals.dlq/0/1": "replayed by ops.devries at 2026-11-28T09:00:00+00:00"}
    assert decode(b"not a ledger entry") is None


def test_who_and_why_are_required_where_it_matters_and_no_personal_data_goes_into_the_ledger():
    with pytest.raises(InvalidInput, match="--operator"):
        Operator.checked(None, "root@host")
    with pytest.raises(InvalidInput, match="not a full name"):
        Operator.checked("Jan de Vries", "root@host")
    assert Operator.checked("ggd.devries", "root@host").id == "ggd.devries"
    assert checked_why(None, required=False) is None
    with pytest.raises(InvalidInput, match="--reason is required"):
        checked_why("  ", required=True)
    for personal in ("BSN 999993653", "BAG 0363010001004477", "tel 06-1234 5678", "at 1069 JD 12"):
        with pytest.raises(InvalidInput, match="never personal data"):
            checked_why(personal, required=True)
    assert checked_why("address key restored, INC0042731", required=True) == "address key restored, INC0042731"


def test_show_prints_envelope_attributes_that_pass_the_contract_and_only_the_names_of_datas_keys():
    event = arrears_event()
    good = view(encode(event))
    assert good.attributes["id"] == str(event.id) and good.attributes["subject"] == "hh-0123456789abcdef"
    assert good.attributes["type"] == "nl.signaalketen.arrears.reported.v1"
    assert "sealed_address" in good.data_keys and "sealed" not in good.attributes.values()
    hostile = view(json.dumps({
        "id": "999993653", "subject": "Jan Jansen, Kerkstraat 1", "type": "nl.signaalketen.arrears.reported.v1",
        "data": {"bsn": "999993653", "Jan Jansen": 1}, "Kerkstraat 1": "x",
    }).encode())  # fmt: skip
    printed = json.dumps([hostile.attributes, hostile.data_keys, hostile.other_attributes])
    assert "999993653" not in printed and "Jansen" not in printed and "Kerkstraat" not in printed
    assert hostile.attributes["type"] == "nl.signaalketen.arrears.reported.v1"
    assert view(b"\x00\xff").problem.startswith("not JSON (2 bytes)")
    assert view(b"[1, 2]").problem.startswith("JSON, but a list")


def test_only_the_chains_own_dead_letter_topics_are_read_and_the_ledger_is_one_partition_kept_two_years():
    definitions = load_definitions()
    assert dead_letter_topics(definitions, "acc.", "signals") == {"signals": "acc.signals.dlq"}
    assert dead_letter_topics(definitions, "acc.", "acc.signals.dlq") == {"signals": "acc.signals.dlq"}
    assert set(dead_letter_topics(definitions, "acc.").values()) == {f"acc.{name}.dlq" for name in definitions["topics"]}
    with pytest.raises(UnknownTopic, match="one of: signals"):
        dead_letter_topics(definitions, "acc.", "elsewhere")
    spec = ledger_spec(definitions, "acc.")
    assert (spec.name, spec.partitions, spec.retention_days, spec.cleanup_policy) == ("acc.signaalketen.dlq-ledger", 1, 730, "delete")
    assert spec.retention_days > definitions["dead_letter"]["retention_days"], "the ledger outlives what it closes"


def test_an_unknown_reason_is_of_kind_other():
    assert letter(0, 1, f"something new: {uuid.uuid4()}").reason_kind is ReasonKind.OTHER
    assert letter(0, 1, "failed after 5 attempts: RuntimeError: x").reason_kind is ReasonKind.FAILED
