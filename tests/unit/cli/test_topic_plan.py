"""The topics `topics create` asks for, from deploy/kafka/topics.yaml."""

from shared.contracts import topics
from services.cli.topics import DAY_MS, fit_to_cluster, load_definitions, plan


def test_every_chain_topic_and_its_dead_letter_topic_with_the_prefix_and_the_files_settings():
    definitions = load_definitions()
    partitions = definitions["defaults"]["partitions"]
    specs = {spec.name: spec for spec in plan(definitions, prefix="acc.")}
    expected = {f"acc.{name}" for name in topics.ALL} | {topics.dead_letter_topic(f"acc.{name}") for name in topics.ALL}
    assert set(specs) == expected
    signals, dead = specs["acc.signals"], specs["acc.signals.dlq"]
    assert (signals.partitions, signals.replication, signals.retention_days) == (partitions, 3, 730)
    assert (dead.partitions, dead.replication, dead.retention_days) == (partitions, 3, 90)
    assert signals.configs() == {"retention.ms": str(730 * DAY_MS), "cleanup.policy": "delete", "min.insync.replicas": "2"}


def test_options_override_the_file_and_replication_fits_the_cluster():
    specs = plan(load_definitions(), partitions=6, replication=2)
    assert {(spec.partitions, spec.replication) for spec in specs} == {(6, 2)}
    assert {spec.replication for spec in fit_to_cluster(plan(load_definitions()), brokers=1)} == {1}
    assert fit_to_cluster(specs, brokers=5) == specs


def test_a_topic_never_needs_more_in_sync_replicas_than_it_has():
    [single, *_] = plan(load_definitions(), replication=1)
    assert single.configs()["min.insync.replicas"] == "1"
