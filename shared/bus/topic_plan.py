"""The chain's topics as deploy/kafka/topics.yaml defines them: one home for partitions,
replication, minimum in-sync replicas and retention, used by `python -m services.cli
topics create` and by the services, which create a missing topic exactly as the file
says (with the deployment's replication factor, `SIGNAL_TOPIC_REPLICATION`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

DEFINITIONS = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "topics.yaml"
DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication: int
    retention_days: int
    cleanup_policy: str
    min_insync_replicas: int = 1

    def configs(self) -> dict[str, str]:
        """Topic configs at creation. A write needs `min.insync.replicas` copies (with acks=all),
        never more than there are replicas: one broker takes writes alone."""
        return {
            "retention.ms": str(self.retention_days * DAY_MS),
            "cleanup.policy": self.cleanup_policy,
            "min.insync.replicas": str(min(self.min_insync_replicas, self.replication)),
        }


def load_definitions(path: Path = DEFINITIONS) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def plan(definitions: dict[str, Any], prefix: str = "", partitions: int | None = None, replication: int | None = None) -> list[TopicSpec]:
    """Each topic of the file and its dead-letter topic, with the deployment's prefix."""
    defaults = definitions.get("defaults", {})
    dead_letter = definitions.get("dead_letter", {})
    specs = []
    for name, topic in definitions["topics"].items():
        topic = topic or {}

        def setting(key: str, fallback):
            return topic.get(key, defaults.get(key, fallback))

        spec = TopicSpec(
            name=f"{prefix}{name}",
            partitions=partitions or int(setting("partitions", 1)),
            replication=replication or int(setting("replication_factor", 1)),
            retention_days=int(setting("retention_days", 7)),
            cleanup_policy=str(setting("cleanup_policy", "delete")),
            min_insync_replicas=int(setting("min_insync_replicas", 1)),
        )
        dlq = replace(
            spec,
            name=spec.name + dead_letter.get("suffix", ".dlq"),
            retention_days=int(dead_letter.get("retention_days", spec.retention_days)),
        )
        specs += [spec, dlq]
    return specs


def fit_to_cluster(specs: list[TopicSpec], brokers: int) -> list[TopicSpec]:
    """A replication factor above the number of brokers cannot be created: lower it to the
    cluster's size (the file's 3 is for production; a local broker is one)."""
    return [replace(spec, replication=min(spec.replication, brokers)) for spec in specs]
