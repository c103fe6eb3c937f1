"""Create the chain's topics, and their dead-letter topics, from deploy/kafka/topics.yaml.

`plan` (pure, shared.bus.topic_plan) turns the definitions into topics to create;
`create` asks the broker.
Creating is idempotent: a topic that exists is reported as existing, never altered
(partitions and retention of a live topic are an operator's decision, not a script's).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.bus.topic_plan import DAY_MS, DEFINITIONS, TopicSpec, fit_to_cluster, load_definitions, plan

__all__ = ["DAY_MS", "DEFINITIONS", "TopicSpec", "fit_to_cluster", "load_definitions", "plan", "broker_count", "create"]
CREATED = "created"
EXISTING = "existing"


@dataclass(frozen=True)
class TopicResult:
    spec: TopicSpec
    status: str  # created | existing
    partitions: int  # as the broker has it now


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
