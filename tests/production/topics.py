"""The chain's topics on the run's cluster, created before the services as a deploy does
(`python -m services.cli topics create`, from deploy/kafka/topics.yaml), then read back:
every topic with its partitions, three replicas and min.insync.replicas 2."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from shared.bus.topic_plan import load_definitions, plan
from tests.support.cluster_topics import assert_as_topics_yaml_says, describe
from tests.support.processes import REPO


def create_topics(bootstrap: str) -> str:
    created = subprocess.run(
        [sys.executable, "-m", "services.cli", "topics", "create", "--bootstrap", bootstrap, "--prefix", "",
         "--replication-factor", "3"],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    if created.returncode != 0:
        raise RuntimeError(f"topics create failed:\n{created.stdout}\n{created.stderr}")
    names = [spec.name for spec in plan(load_definitions(), "")]
    topics, configs = asyncio.run(describe(bootstrap, names))
    assert_as_topics_yaml_says("", topics, configs)
    return f"{len(names)} topics created from deploy/kafka/topics.yaml: 3 replicas, min.insync.replicas 2, as the file says"
