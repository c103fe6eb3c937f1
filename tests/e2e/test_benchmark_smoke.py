"""The month and latency benchmarks, small, in every CI run, so they cannot rot: a few hundred arrears
signals through the whole chain (every service as a process, the monitor included) on real
Kafka and PostgreSQL. It prints the benchmark's figures; it asserts only what a user would
notice: every alert arrived once, and every consumer of the chain handled every record.
Speed is judged from `make bench`, never here."""

from __future__ import annotations

import pytest

from services.monitor.settings import MonitorSettings
from tests.benchmarks.bench_chain import bench_latency, month_run, print_month
from tests.conftest import KAFKA
from tests.support.kafka_tools import topics_named
from tests.support.wait import eventually

SIGNALS = 300


@pytest.mark.parametrize("batched", [False, True], ids=["one-per-post", "batches"])
def test_a_small_month_reaches_every_subscriber_and_every_consumer(capsys, batched):
    run = month_run(SIGNALS, post_batch=100, patience=180, batched=batched)

    with capsys.disabled():
        print(f"\nbenchmark smoke (python -m tests.benchmarks.bench_chain month {SIGNALS} for the same run by hand):")
        print_month(run, None, 0)
    assert run["delivered"] == SIGNALS
    assert "monitor" in run["cpu"]
    assert MonitorSettings(environment="test").consumer_name in run["groups"], f"the monitor's consumer was not among {run['groups']}"
    assert run["lag_left"] == 0
    eventually(lambda: topics_named(KAFKA, run["topic_prefix"]) == [], timeout=15, what="the benchmark's topics deleted from the broker")


def test_a_short_offered_load_arrives_whole_and_prints_its_latency(capsys):
    with capsys.disabled():
        print("\nlatency smoke (python -m tests.benchmarks.bench_chain latency 20 for the same run by hand, 10 s):")
        arrivals = bench_latency((20,), seconds=3)
    assert arrivals == {20: (60, 60)}, "every signal posted at 20/s reached the webhook"
