"""What the dlq commands print, with Rich. Results go to stdout; the ledger line of each
use goes to stderr, so `dlq list --prometheus > file` keeps only the exposition."""

from __future__ import annotations

from datetime import UTC, datetime

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from services.cli.dlq.envelope_view import EnvelopeView
from services.cli.dlq.ledger import LedgerEntry, LetterState
from services.cli.dlq.letters import DeadLetter, TopicSummary

SHOWN_PLACES = 5  # per reason group: where to find the first few


def _table(title: str | None = None) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)


def _row(table: Table, *cells: str) -> None:
    """Cells as plain text: a reason or a group name is never read as Rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if at else "-"


def summaries(console: Console, found: list[TopicSummary], *, bootstrap: str) -> None:
    if not found:
        console.print(f"No dead-letter topic of the chain on {bootstrap} (check --prefix)")
        return
    table = _table(f"Open dead letters on {bootstrap}")
    for column in ("topic", "open", "closed", "oldest", "newest", "kinds"):
        table.add_column(column, overflow="fold", min_width=len(column))
    for summary in found:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(summary.kinds().items())) or "-"
        _row(
            table,
            summary.topic, str(len(summary.open)), str(summary.closed), _when(summary.oldest), _when(summary.newest), kinds
        )
    console.print(table)
    console.print(f"{sum(len(summary.open) for summary in found)} open dead letter(s) on {len(found)} topic(s)")


def reasons(console: Console, summary: TopicSummary) -> None:
    if not summary.open:
        return
    table = _table(f"Reasons on {summary.topic} (where: partition/offset)")
    for column in ("kind", "group", "count", "where", "reason"):
        table.add_column(column, overflow="fold", min_width=30 if column == "reason" else len(column))
    for group in summary.reasons():
        places = " ".join(letter.at.short for letter in group.letters[:SHOWN_PLACES])
        if len(group.letters) > SHOWN_PLACES:
            places += " …"
        _row(table, group.kind.value, group.consumer_group, str(len(group.letters)), places, group.reason)
    console.print(table)


def records(console: Console, summary: TopicSummary) -> None:
    if not summary.open:
        return
    table = _table(f"Open dead letters of {summary.topic}")
    for column in ("at", "dead-lettered", "group", "reason"):
        table.add_column(column, overflow="fold", min_width=30 if column == "reason" else len(column))
    for letter in summary.open:
        _row(table, letter.at.short, _when(letter.dead_lettered_at), letter.consumer_group, letter.reason)
    console.print(table)


def letter(console: Console, dead: DeadLetter, state: LetterState, envelope: EnvelopeView) -> None:
    table = _table(f"Dead letter {dead.at.key}")
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    _row(table, "state", state.value)
    _row(table, "reason", dead.reason)
    _row(table, "consumer group", dead.consumer_group or "-")
    _row(table, "source", dead.source.key if dead.source else "(no source headers)")
    _row(table, "dead-lettered at", _when(dead.dead_lettered_at))
    if dead.replay_of:
        _row(table, "replay of", dead.replay_of)
    _row(table, "record size", f"{len(dead.value)} bytes")
    _row(table, "headers", ", ".join(name for name, _ in dead.original_headers) or "(none)")
    if envelope.problem:
        _row(table, "value", envelope.problem)
    for name, value in envelope.attributes.items():
        _row(table, f"cloudevent {name}", value)
    if envelope.other_attributes:
        _row(table, "other attributes", ", ".join(envelope.other_attributes))
    if envelope.data_keys is not None:
        _row(table, "data: keys only", ", ".join(envelope.data_keys) or "(none)")
    console.print(table)


def acted(console: Console, verb: str, entries: list[LedgerEntry]) -> None:
    table = _table(f"{verb.capitalize()}: {len(entries)} dead letter(s)")
    for column in ("dead letter", "group", "event id", "outcome"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        _row(table, entry.dead_letter or "", entry.consumer_group or "", entry.event_id or "-", entry.outcome or verb)
    console.print(table)


def ledger(console: Console, entries: list[LedgerEntry]) -> None:
    table = _table(f"Ledger: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, newest first")
    for column in ("at", "operator", "machine user", "action", "what", "why"):
        table.add_column(column, overflow="fold")
    for entry in reversed(entries):
        what = entry.dead_letter or ", ".join(f"{topic}: {count}" for topic, count in (entry.topics or {}).items())
        if entry.outcome:
            what = f"{what} → {entry.outcome}" if what else entry.outcome
        _row(table, _when(entry.at), entry.operator, entry.machine_user, entry.action.value, what or "-", entry.why or "")
    console.print(table)
