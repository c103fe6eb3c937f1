"""`python -m services.cli`: replay a CSV of signals into the intake, create the Kafka
topics, export the monitor's figures, work the dead letters (`dlq`, services/cli/dlq/).
The commands only wire options to the modules that do the work (rows, tally: pure;
replay, topics, chain_client: I/O)."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from services.cli import render
from services.cli.chain_client import ChainClient, Unreachable
from services.cli.dlq.commands import dlq_app
from services.cli.options import Bootstrap, Prefix, err
from services.cli.options import fail as _fail
from services.cli.replay import replay as replay_rows
from services.cli.rows import UnreadableFile, read_signals
from services.cli.tally import Outcome, receipt_csv
from services.cli.topics import DEFINITIONS, broker_count, create, fit_to_cluster, load_definitions, plan

app = typer.Typer(
    help="Operate the signal chain: replay signals, create topics, export the monitor, work the dead letters.",
    no_args_is_help=True,
    add_completion=False,
)
topics_app = typer.Typer(help="The chain's Kafka topics (deploy/kafka/topics.yaml).", no_args_is_help=True)
monitor_app = typer.Typer(help="The monitor's aggregated figures.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")
app.add_typer(monitor_app, name="monitor")
app.add_typer(dlq_app, name="dlq")

Organisation = Annotated[
    str | None, typer.Option(envvar="SIGNAL_CLIENT_ID", help="OAuth2 client id: your organisation id (e.g. ymere)")
]
Secret = Annotated[
    str | None,
    typer.Option(envvar="SIGNAL_CLIENT_SECRET", help="OAuth2 client secret (better from the environment)", show_default=False),
]

TokenUrl = Annotated[
    str | None,
    typer.Option(
        envvar="SIGNAL_TOKEN_URL",
        help="the identity provider's token endpoint; default the service's development /oauth/token",
        show_default=False,
    ),
]


@app.command()
def replay(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV of signals (see services/cli/README.md)")],
    organisation: Organisation = None,
    secret: Secret = None,
    token_url: TokenUrl = None,
    intake: Annotated[str, typer.Option(envvar="SIGNAL_INTAKE_URL", help="base URL of the intake")] = "http://127.0.0.1:8001",
    batch_size: Annotated[int, typer.Option(min=1, max=1000, help="rows per POST /v1/signals/batch")] = 500,
    receipt: Annotated[Path | None, typer.Option(dir_okay=False, help="write every row's outcome (and signal id) to this CSV")] = None,
    show_rejected: Annotated[int, typer.Option(min=0, help="reasons listed in the summary at most")] = 50,
    encoding: Annotated[str, typer.Option(help="the file's encoding (cp1252 for older Excel exports)")] = "utf-8-sig",
) -> None:
    """Send a CSV of signals to the intake in batches; summarise accepted and rejected rows.

    Exit code 0: every row accepted; 1: some rows rejected; 2: the intake could not be reached or refused the credentials (rows not sent are listed as such).
    """
    if not organisation or not secret:
        raise _fail("--organisation and --secret (or SIGNAL_CLIENT_ID and SIGNAL_CLIENT_SECRET) are required")
    try:
        rows = read_signals(file.read_text(encoding=encoding))
    except (UnreadableFile, UnicodeDecodeError) as problem:
        raise _fail(f"{file}: {problem}; nothing was sent") from None
    without_reference = sum(1 for row in rows if row.readable and not row.reference)
    if without_reference:
        err.print(
            f"[yellow]{without_reference} row(s) have no reference: replaying this file again would post them again"
        )
    out = Console()
    with ChainClient(intake, organisation, secret, token_url) as client, render.replay_progress(err) as progress:
        task = progress.add_task("replay", total=len(rows), accepted=0, rejected=0)

        def advance(done: int, tally) -> None:
            accepted = tally.rows(Outcome.ACCEPTED) + tally.rows(Outcome.REPLAYED)
            rejected = tally.rows(Outcome.REJECTED) + tally.rows(Outcome.UNREADABLE)
            progress.update(task, advance=done, accepted=accepted, rejected=rejected)

        tally = replay_rows(rows, client, batch_size, advance)
    render.replay_summary(out, tally, source=str(file), shown=show_rejected)
    if receipt is not None:
        receipt.write_text(receipt_csv(tally), encoding="utf-8")
        err.print(f"Receipt written to {receipt}")
    raise typer.Exit(tally.exit_code)


@topics_app.command("create")
def topics_create(
    bootstrap: Bootstrap = "127.0.0.1:9092",
    prefix: Prefix = "",
    partitions: Annotated[int | None, typer.Option(min=1, max=1000, help="partitions per topic (default: the file's)")] = None,
    replication_factor: Annotated[
        int | None, typer.Option(min=1, max=10, help="default: the file's, at most the number of brokers")
    ] = None,
    definitions: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="topic definitions")] = DEFINITIONS,
) -> None:
    """Create the chain's topics and their .dlq topics; existing topics are left as they are."""
    specs = plan(load_definitions(definitions), prefix, partitions, replication_factor)

    async def run():
        nonlocal specs
        if replication_factor is None:
            brokers = await broker_count(bootstrap)
            fitted = fit_to_cluster(specs, brokers)
            if fitted != specs:
                err.print(f"[yellow]replication factor lowered to {brokers}: the cluster has {brokers} broker(s)")
            specs = fitted
        return await create(bootstrap, specs)

    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # its connection noise; the reason is printed below
    try:
        results = asyncio.run(run())
    except Exception as problem:  # noqa: BLE001 - any broker failure ends the command with its reason
        reason = str(problem) if str(problem).startswith(type(problem).__name__) else f"{type(problem).__name__}: {problem}"
        raise _fail(f"Kafka at {bootstrap}: {reason}") from None
    render.topics_table(Console(), results, bootstrap=bootstrap)


@monitor_app.command("export")
def monitor_export(
    municipality: Annotated[str, typer.Option(help="CBS gemeentecode, e.g. 0363")],
    year: Annotated[int, typer.Option(min=2000, max=2100)],
    organisation: Organisation = None,
    secret: Secret = None,
    token_url: TokenUrl = None,
    monitor: Annotated[str, typer.Option(envvar="SIGNAL_MONITOR_URL", help="base URL of the monitor")] = "http://127.0.0.1:8005",
    month: Annotated[int | None, typer.Option(min=1, max=12, help="one month; default the whole year")] = None,
    district: Annotated[str | None, typer.Option(help="one district; default all")] = None,
    out: Annotated[Path | None, typer.Option(dir_okay=False, help="write here instead of stdout")] = None,
    public: Annotated[bool, typer.Option("--public", help="the publishable figures: small cells shown as <5, no credentials")] = False,
) -> None:
    """Write the monitor's figures as CSV (exact counts for your own municipality, else suppressed)."""
    if not re.fullmatch(r"\d{4}", municipality):
        raise typer.BadParameter("four digits, e.g. 0363", param_hint="--municipality")
    if not public and (not organisation or not secret):
        raise _fail("--organisation and --secret are required, or --public for the publishable figures")
    params = {"municipality": municipality, "year": year, "month": month, "district": district}
    params = {name: value for name, value in params.items() if value is not None}
    try:
        with ChainClient(monitor, organisation, secret, token_url) as client:
            if public:
                answer = client.get("/v1/public/figures.csv", params, anonymous=True)
            else:
                answer = client.get("/v1/figures.csv", params)
    except Unreachable as problem:
        raise _fail(str(problem)) from None
    content = answer.text
    if out is None:
        sys.stdout.write(content)
    else:
        out.write_text(content, encoding="utf-8")
        lines = max(content.count("\n") - 1, 0)
        err.print(f"{lines} figure(s) written to {out}" + (" (suppressed: small cells as <5)" if public else ""))
