"""Which topics the workbench reads and writes, from deploy/kafka/topics.yaml (pure).

Only the chain's own dead-letter topics (`<prefix><topic>.dlq` for each topic of the
file) are read: a broker shared by several deployments or test runs holds others.
"""

from __future__ import annotations

from typing import Any

from services.cli.topics import TopicSpec
from services.cli.dlq.ledger import LEDGER_TOPIC


class UnknownTopic(ValueError):
    """A topic name that is not one of the chain's."""


def dead_letter_topics(definitions: dict[str, Any], prefix: str, only: str | None = None) -> dict[str, str]:
    """The chain's topic names (as in the file) to their dead-letter topics (deployed names)."""
    suffix = definitions.get("dead_letter", {}).get("suffix", ".dlq")
    names = list(definitions["topics"])
    if only is not None:
        name = only.removeprefix(prefix).removesuffix(suffix)
        if name not in names:
            raise UnknownTopic(f"{only!r} is not a topic of the chain; one of: {', '.join(names)}")
        names = [name]
    return {name: f"{prefix}{name}{suffix}" for name in names}


def source_topic(definitions: dict[str, Any], dead_letter_topic: str) -> str:
    return dead_letter_topic.removesuffix(definitions.get("dead_letter", {}).get("suffix", ".dlq"))


def ledger_spec(definitions: dict[str, Any], prefix: str) -> TopicSpec:
    """The ledger topic as the file defines it (replication: the file's default, fitted to
    the cluster by the caller)."""
    ledger = definitions.get("dead_letter", {}).get("ledger", {})
    defaults = definitions.get("defaults", {})
    return TopicSpec(
        name=prefix + str(ledger.get("name", LEDGER_TOPIC)),
        partitions=int(ledger.get("partitions", 1)),
        replication=int(ledger.get("replication_factor", defaults.get("replication_factor", 1))),
        retention_days=int(ledger.get("retention_days", 730)),
        cleanup_policy="delete",
    )
