"""What the commands show, with Rich: the progress bar of a replay, its summary, the
topics table. Progress goes to stderr, results to stdout, so a redirected stdout keeps
only the results."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from services.cli.tally import Outcome, Tally
from services.cli.topics import CREATED, TopicResult


def replay_progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]Sending signals"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TextColumn("[green]{task.fields[accepted]} accepted[/] [red]{task.fields[rejected]} rejected[/]"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def replay_summary(console: Console, tally: Tally, *, source: str, shown: int) -> None:
    counts = Table(title=f"Replay of {source}", title_justify="left")
    counts.add_column("rows")
    counts.add_column("count", justify="right")
    accepted = tally.rows(Outcome.ACCEPTED)
    replayed = tally.rows(Outcome.REPLAYED)
    rejected = tally.rows(Outcome.REJECTED)
    unreadable = tally.rows(Outcome.UNREADABLE)
    not_sent = tally.rows(Outcome.NOT_SENT)
    counts.add_row("[green]accepted: new signals", str(accepted))
    counts.add_row("[green]accepted: already sent before (same reference)", str(replayed))
    counts.add_row("[red]rejected by the intake", str(rejected))
    counts.add_row("[red]rejected by the CSV reader (not sent)", str(unreadable))
    if not_sent:
        counts.add_row("[yellow]not sent (the run stopped)", str(not_sent))
    counts.add_row("[bold]total", str(accepted + replayed + rejected + unreadable + not_sent))
    console.print(counts)

    problems = tally.problems()
    if problems:
        reasons = Table(title="Rejected rows", title_justify="left")
        for column, style in (("row", None), ("reference", None), ("by", None), ("field", "bold"), ("reason", None)):
            reasons.add_column(column, style=style, overflow="fold")
        for receipt in problems[:shown]:
            by = "reader" if receipt.outcome is Outcome.UNREADABLE else "intake"
            reasons.add_row(str(receipt.row), receipt.reference or "", by, receipt.field or "", receipt.message or "")
        console.print(reasons)
        if len(problems) > shown:
            console.print(f"… and {len(problems) - shown} more reasons (see --receipt for all of them)")
    if tally.failure:
        console.print(f"[red]The run stopped: {tally.failure}")


def topics_table(console: Console, results: list[TopicResult], *, bootstrap: str) -> None:
    table = Table(
        title=f"Topics on {bootstrap}", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
        collapse_padding=True,
    )
    for column in ("topic", "partitions", "replicas", "retention", "status"):
        table.add_column(column, no_wrap=True)
    for result in results:
        spec = result.spec
        style = "green" if result.status == CREATED else "dim"
        # An existing topic is left as it is: its replication and retention are not read back.
        replicas, retention = (str(spec.replication), f"{spec.retention_days} d") if result.status == CREATED else ("-", "-")
        table.add_row(spec.name, str(result.partitions), replicas, retention, f"[{style}]{result.status}")
    console.print(table)
    created = sum(1 for result in results if result.status == CREATED)
    console.print(f"{created} created, {len(results) - created} existing")
