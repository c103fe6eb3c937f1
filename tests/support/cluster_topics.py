"""The chain's topics as a cluster describes them (replica sets, min.insync.replicas and
retention.ms), and the check that they are what deploy/kafka/topics.yaml says."""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.bus.topic_plan import load_definitions, plan


async def describe(bootstrap: str, names: list[str]) -> tuple[dict, dict]:
    """Per topic: replica sets of its partitions, and its configs (once every broker knows them)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    await admin.start()
    try:
        topics = {t["topic"]: [p["replicas"] for p in t["partitions"]] for t in await known_topics(admin, names)}
        async with asyncio.timeout(15):
            while len(configs := await topic_configs(admin, names)) < len(names):
                await asyncio.sleep(0.2)
    finally:
        await admin.close()
    return topics, configs


def assert_as_topics_yaml_says(prefix: str, topics: dict, configs: dict) -> None:
    specs = plan(load_definitions(), prefix)
    assert set(topics) == {spec.name for spec in specs}
    for spec in specs:
        assert len(topics[spec.name]) == spec.partitions
        assert all(len(set(replicas)) == 3 for replicas in topics[spec.name]), topics[spec.name]
        assert configs[spec.name]["min.insync.replicas"] == "2"
        assert configs[spec.name]["retention.ms"] == spec.configs()["retention.ms"]


async def topic_configs(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    """min.insync.replicas and retention.ms of each topic a broker could answer for already."""
    wanted = {"min.insync.replicas": None, "retention.ms": None}
    answers = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name, dict(wanted)) for name in names])
    return {
        name: {entry[0]: entry[1] for entry in entries}
        for answer in answers
        for error, _message, _type, name, entries in answer.resources
        if error == 0 and {entry[0] for entry in entries} == set(wanted)
    }


async def known_topics(admin: AIOKafkaAdminClient, names: list[str]) -> list[dict]:
    """describe_topics once every topic has its partitions: a topic just created reaches
    every broker's metadata shortly after."""
    async with asyncio.timeout(15):
        while True:
            described = await admin.describe_topics(names)
            if all(topic["partitions"] for topic in described):
                return described
            await asyncio.sleep(0.2)
