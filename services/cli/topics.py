"""Create the chain's topics, and their dead-letter topics, from deploy/kafka/topics.yaml.

`plan` (pure) turns the definitions into topics to create; `create` asks the broker.
Creating is idempotent: a topic that exists is reported as existing, never altered
(partitions and retention of a live topic are an operator's decision, not a script's).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.settings import REPO_ROOT

DEFINITIONS = REPO_ROOT / "deploy" / "kafka" / "topics.yaml"
DAY_MS = 24 * 3600 * 1000
CREATED = "created"
EXISTING = "existing"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication: int
    retention_days: int
    cleanup_policy: str

    def configs(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_days * DAY_MS), "cleanup.policy": self.cleanup_policy}


@dataclass(frozen=True)
class TopicResult:
    spec: TopicSpec
    status: str  # created | existing
    partitions: int  # as the broker has it now


def load_definitions(path: Path = DEFINITIONS) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def plan(definitions: dict[str, Any], prefix: str = "", partitions: int | None = None, replication: int | None = None) -> list[TopicSpec]:
    """Each topic of the file and its dead-letter topic, with the deployment's prefix."""
    defaults = definitions.get("defaults", {})
    dead_letter = definitions.get("dead_letter", {})
    specs = []
    for name, topic in definitions["topics"].items():
        topic = topic or {}
        spec = TopicSpec(
            name=f"{prefix}{name}",
            partitions=partitions or int(topic.get("partitions", defaults.get("partitions", 1))),
            replication=replication or int(topic.get("replication_factor", defaults.get("replication_factor", 1))),
            retention_days=int(topic.get("retention_days", defaults.get("retention_days", 7))),
            cleanup_policy=str(topic.get("cleanup_policy", defaults.get("cleanup_policy", "delete"))),
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


async def broker_count(bootstrap: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="signaalketen-cli", request_timeout_ms=10000)
    await admin.start()
    try:
        return len((await admin.describe_cluster())["brokers"])
    finally:
        await admin.close()


async def create(bootstrap: str, specs: list[TopicSpec]) -> list[TopicResult]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="signaalketen-cli", request_timeout_ms=10000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [spec for spec in specs if spec.name not in existing]
        created: set[str] = set()
        if missing:
            answer = await admin.create_topics(
                [NewTopic(spec.name, spec.partitions, spec.replication, topic_configs=spec.configs()) for spec in missing]
            )
            for topic, code, *message in answer.topic_errors:
                if code == 0:
                    created.add(topic)
                elif code != TopicAlreadyExistsError.errno:  # created by someone else meanwhile: existing
                    raise RuntimeError(f"could not create {topic}: error {code} {message[0] if message else ''}".strip())
        # Existing topics keep the partitions they have; report those, not the file's.
        already = [spec.name for spec in specs if spec.name not in created]
        described = await admin.describe_topics(already) if already else []
        partitions = {topic["topic"]: len(topic["partitions"]) for topic in described}
    finally:
        await admin.close()
    return [
        TopicResult(spec, CREATED, spec.partitions) if spec.name in created else TopicResult(spec, EXISTING, partitions.get(spec.name, 0))
        for spec in specs
    ]
