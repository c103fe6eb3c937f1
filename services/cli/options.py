"""What several commands share: the error console, ending with exit code 2, and the
options that name the broker and the deployment's topic prefix."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.console import Console

from services.cli.tally import EXIT_UNREACHABLE

err = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    err.print(f"[red]{message}")
    return typer.Exit(EXIT_UNREACHABLE)


def topic_prefix(value: str) -> str:
    if not re.fullmatch(r"[a-zA-Z0-9._-]{0,200}", value):
        raise typer.BadParameter("letters, digits, '.', '_' and '-' only (a Kafka topic name)")
    return value


Bootstrap = Annotated[str, typer.Option(envvar="SIGNAL_KAFKA_BOOTSTRAP", help="Kafka bootstrap servers, HOST:PORT")]
Prefix = Annotated[
    str, typer.Option(envvar="SIGNAL_TOPIC_PREFIX", callback=topic_prefix, help="prefix of the deployment's topic names")
]
