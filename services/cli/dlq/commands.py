"""`python -m services.cli dlq ...`: the dead-letter workbench's commands. They wire options
to `Workbench` and print with `render`; every list, show, replay and discard is recorded in
the ledger topic first and its ledger line printed (stderr).

Exit codes: 0 done; 1 nothing done (no open dead letter matches, or one named is closed or
gone); 2 bad options, or Kafka could not be reached or refused.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import socket
from datetime import UTC, datetime
from typing import Annotated, Any, Coroutine

import typer
from rich.console import Console

from services.cli.dlq import render
from services.cli.dlq.envelope_view import view
from services.cli.dlq.exporter import exposition, serve
from services.cli.dlq.ledger import Action, InvalidInput, LedgerEntry, Operator, checked_why, recorded
from services.cli.dlq.letters import SelectionError, parse_offset
from services.cli.dlq.topology import UnknownTopic, dead_letter_topics
from services.cli.dlq.workbench import NotRecorded, Selection, Workbench
from services.cli.options import Bootstrap, Prefix, err, fail
from services.cli.topics import load_definitions

EXIT_NOTHING_DONE = 1

dlq_app = typer.Typer(
    help="Dead letters of the chain's topics: list, show, replay, discard. Every use is recorded in the ledger topic.",
    no_args_is_help=True,
)

OperatorId = Annotated[
    str | None,
    typer.Option("--operator", envvar="SIGNAL_OPERATOR", help="your account id, recorded with the machine user", show_default=False),
]
Why = Annotated[str | None, typer.Option("--reason", help="why: the cause or a ticket (no personal data)", show_default=False)]
Topic = Annotated[str, typer.Argument(help="a topic of the chain, e.g. signals (its dead letters are on <prefix>signals.dlq)")]
Offsets = Annotated[
    list[str] | None, typer.Option("--offset", help="PARTITION/OFFSET of an open dead letter, as list --records shows it (repeatable)")
]
Every = Annotated[bool, typer.Option("--all", help="every open dead letter of the topic")]
ReasonContains = Annotated[str | None, typer.Option(help="only those whose reason contains this text (any case)")]
DEFAULT_BOOTSTRAP = "127.0.0.1:9092"


def _workbench(bootstrap: str, prefix: str, operator: str | None) -> Workbench:
    try:
        who = Operator.checked(operator, f"{getpass.getuser()}@{socket.gethostname()}")
    except InvalidInput as problem:
        raise fail(str(problem)) from None
    return Workbench(bootstrap, prefix, who, load_definitions())


def _why(text: str | None, *, required: bool) -> str | None:
    try:
        return checked_why(text, required=required)
    except InvalidInput as problem:
        raise fail(str(problem)) from None


def _run(work: Coroutine[Any, Any, Any], bootstrap: str):
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # its connection noise; the reason is printed below
    try:
        return asyncio.run(work)
    except UnknownTopic as problem:
        raise fail(str(problem)) from None
    except SelectionError as problem:
        err.print(f"[yellow]{problem}; nothing was done", markup=True, highlight=False)
        raise typer.Exit(EXIT_NOTHING_DONE) from None
    except NotRecorded as problem:
        raise fail(str(problem)) from None
    except Exception as problem:  # noqa: BLE001 - any broker failure ends the command with its reason
        raise fail(f"Kafka at {bootstrap}: {type(problem).__name__}: {problem}") from None


def _recorded(workbench: Workbench, entries: list[LedgerEntry]) -> None:
    for entry in entries:
        err.print(f"Recorded in {workbench.ledger_topic}: {entry.line()}", markup=False, highlight=False, soft_wrap=True)


def _selection(offsets: list[str] | None, every: bool, reason_contains: str | None) -> Selection:
    if bool(offsets) == every:
        raise fail("name the dead letters: --offset PARTITION/OFFSET (repeatable), or --all")
    try:
        return Selection([parse_offset(text) for text in offsets or []], every, reason_contains)
    except SelectionError as problem:
        raise fail(str(problem)) from None


@dlq_app.command("list")
def list_(
    topic: Annotated[str | None, typer.Option("--topic", help="only this topic of the chain, e.g. signals")] = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
    prefix: Prefix = "",
    operator: OperatorId = None,
    reason: Why = None,
    records: Annotated[bool, typer.Option("--records", help="also every open dead letter, one per line")] = False,
    prometheus: Annotated[bool, typer.Option("--prometheus", help="print Prometheus' text format instead of tables")] = False,
) -> None:
    """Per dead-letter topic: how many are open, the oldest and newest, the reasons grouped."""
    workbench = _workbench(bootstrap, prefix, operator)
    summaries, entry = _run(workbench.list(topic, _why(reason, required=False)), bootstrap)
    _recorded(workbench, [entry])
    out = Console()
    if prometheus:
        out.file.write(exposition(summaries, entry.at))
        return
    render.summaries(out, summaries, bootstrap=bootstrap)
    for summary in summaries:
        render.reasons(out, summary)
        if records:
            render.records(out, summary)


@dlq_app.command()
def show(
    topic: Topic,
    partition: Annotated[int, typer.Argument(min=0, help="partition of the dead letter")],
    offset: Annotated[int, typer.Argument(min=0, help="offset of the dead letter")],
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
    prefix: Prefix = "",
    operator: OperatorId = None,
    reason: Why = None,
) -> None:
    """One dead letter: reason, source, group, size, the CloudEvent's attributes; never its data.

    Of `data` only the names of its keys are shown: it may hold a sealed address, or, in a
    record that broke the contract, anything. An attribute that fails the contract's check
    (a subject that is no pseudonym, say) is withheld."""
    workbench = _workbench(bootstrap, prefix, operator)
    letter, state, entry = _run(workbench.show(topic, partition, offset, _why(reason, required=False)), bootstrap)
    _recorded(workbench, [entry])
    render.letter(Console(), letter, state, view(letter.value))


@dlq_app.command()
def replay(
    topic: Topic,
    offsets: Offsets = None,
    every: Every = False,
    reason_contains: ReasonContains = None,
    reason: Why = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
    prefix: Prefix = "",
    operator: OperatorId = None,
) -> None:
    """Put dead letters back on their source topic, for its consumer groups to handle again.

    Value, key and headers go back as they were, plus `dlq-replay-of`. Every group of the
    topic gets the record again; consumers handle an event once per CloudEvent id, so a
    group that handled it before does nothing. Replay after the cause is fixed."""
    workbench = _workbench(bootstrap, prefix, operator)
    why = _why(reason, required=True)
    acted = _run(workbench.replay(topic, _selection(offsets, every, reason_contains), why), bootstrap)
    _recorded(workbench, acted.entries)
    render.acted(Console(), "replayed", acted.entries)


@dlq_app.command()
def discard(
    topic: Topic,
    offsets: Offsets = None,
    every: Every = False,
    reason_contains: ReasonContains = None,
    reason: Why = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
    prefix: Prefix = "",
    operator: OperatorId = None,
) -> None:
    """Close dead letters without replaying them; `list` no longer counts them.

    Kafka deletes no single record: they stay on the topic until its retention removes them."""
    workbench = _workbench(bootstrap, prefix, operator)
    why = _why(reason, required=True)
    acted = _run(workbench.discard(topic, _selection(offsets, every, reason_contains), why), bootstrap)
    _recorded(workbench, acted.entries)
    render.acted(Console(), "discarded", acted.entries)


@dlq_app.command()
def ledger(
    topic: Annotated[str | None, typer.Option("--topic", help="only entries about this topic's dead letters")] = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
    prefix: Prefix = "",
) -> None:
    """The ledger: every use of the workbench, newest first (who, when, what, why).

    With --topic: the entries about that topic's dead letters and the lists that read it."""
    workbench = Workbench(bootstrap, prefix, Operator("-", "-"), load_definitions())
    entries = _run(workbench.ledger(), bootstrap)
    if topic is not None:
        try:
            [dead_letter_topic] = dead_letter_topics(workbench.definitions, prefix, topic).values()
        except UnknownTopic as problem:
            raise fail(str(problem)) from None
        entries = [entry for entry in entries if entry.concerns(dead_letter_topic)]
    render.ledger(Console(), entries)


@dlq_app.command()
def exporter(
    port: Annotated[int, typer.Option(min=1, max=65535, help="port of /metrics")] = 9464,
    address: Annotated[str, typer.Option(help="address to listen on (keep it internal)")] = "127.0.0.1",
    interval: Annotated[float, typer.Option(min=1, help="seconds between readings of the topics and the ledger")] = 60,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
    prefix: Prefix = "",
    operator: OperatorId = None,
) -> None:
    """Serve the open dead letters per topic as Prometheus metrics (counts and ages only).

    Its start is recorded in the ledger; its readings are not (they show no record)."""
    workbench = _workbench(bootstrap, prefix, operator)
    entry = recorded(workbench.operator, Action.EXPORTER_STARTED, datetime.now(UTC), outcome=f"serving {address}:{port}")
    _run(workbench.record([entry]), bootstrap)
    _recorded(workbench, [entry])
    err.print(f"Serving http://{address}:{port}/metrics, read every {interval:g} s; Ctrl-C stops", highlight=False)
    try:
        _run(serve(workbench, address, port, interval), bootstrap)
    except KeyboardInterrupt:
        pass
