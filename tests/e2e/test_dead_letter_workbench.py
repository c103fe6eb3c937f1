"""The dead-letter workbench on real Kafka against the running chain, the CLI as a process.

Triage dead-letters a signal sealed with an address key it does not hold (twice: the
intake published it twice) and a record that breaks the contract and carries a BSN. The
operator lists them, looks at them without seeing the payload, restores the key (triage
restarted with it), replays the signal: triage handles it exactly once, though both of
its dead letters come back. The broken record is discarded. The ledger holds it all."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import re
import subprocess
import sys
import uuid

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families

from shared.contracts.envelope import encode
from shared.settings import DEV_ADDRESS_KEY
from tests.support.cli import run_cli
from tests.support.kafka_tools import produce, read_all
from tests.support.processes import REPO, ServiceProcess, free_port
from tests.support.sealed_signals import FAMILY_DWELLING, LOST_KEY, sealed_signal
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

BSN = "999993653"  # an official test BSN
OPERATOR = "ops.e2e"


def broken_record(sealed: str) -> bytes:
    return json.dumps({
        "specversion": "1.0", "id": str(uuid.uuid4()), "source": "urn:nld:kvk:90000001:systeem:incasso",
        "type": "nl.signaalketen.arrears.reported.v1", "time": "2026-11-28T09:00:00Z", "subject": BSN,
        "data": {"bsn": BSN, "sealed_address": sealed},
    }).encode()  # fmt: skip


def dlq(chain, *args: str) -> subprocess.CompletedProcess:
    return run_cli("dlq", *args, "--bootstrap", chain.kafka, "--prefix", chain.prefix, "--operator", OPERATOR, timeout=120)


def dlq_ok(chain, *args: str) -> str:
    result = dlq(chain, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Recorded in {chain.prefix}signaalketen.dlq-ledger" in result.stderr, "every use is recorded and printed"
    return result.stdout


def dead_letters(chain) -> list:
    return read_all(chain.kafka, chain.prefix + "signals.dlq", idle_ms=800)


def alerts_for(chain, signal_id: str) -> list[dict]:
    events = [json.loads(record.value) for record in read_all(chain.kafka, chain.prefix + "alerts", idle_ms=800)]
    return [event for event in events if event["data"].get("signal_id") == signal_id]


async def _committed(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return {tp.partition: meta.offset for tp, meta in (await admin.list_consumer_group_offsets(group)).items() if tp.topic == topic}
    finally:
        await admin.close()


def all_handled(bootstrap: str, group: str, topic: str) -> bool:
    """The group committed past every record the topic holds."""
    committed = asyncio.run(_committed(bootstrap, group, topic))
    ends = {record.partition: record.offset + 1 for record in read_all(bootstrap, topic, idle_ms=500)}
    return all(committed.get(partition, 0) >= end for partition, end in ends.items())


def restart_triage_with_the_lost_key(chain) -> None:
    old = chain.processes["triage"]
    old.stop()
    env = {**chain.env, "SIGNAL_ADDRESS_KEYS": f"{DEV_ADDRESS_KEY},{LOST_KEY}"}
    triage = ServiceProcess("services.triage", old.port, env, old._log_path.parent)
    chain.processes["triage"] = triage  # the chain fixture stops it
    triage.start()
    triage.wait_ready()


def place(record) -> str:
    return f"{record.partition}/{record.offset}"


def test_list_show_replay_discard_on_real_kafka_with_the_ledger_and_the_exporter(chain):
    event, sealed = sealed_signal()
    signal_id = str(event.data.signal_id)
    produce(chain.kafka, chain.prefix + "signals", [(event.subject.encode(), encode(event))] * 2 + [(b"hh-broken", broken_record(sealed))])
    found = eventually(lambda: len(records := dead_letters(chain)) == 3 and records, timeout=60, what="triage dead-lettered 3 records")
    reasons = {place(record): dict(record.headers)["dlq-reason"].decode() for record in found}
    unsealed = sorted((record for record in found if "cannot be opened" in reasons[place(record)]), key=lambda r: (r.partition, r.offset))
    [broken] = [record for record in found if reasons[place(record)].startswith("rejected: ")]
    assert len(unsealed) == 2 and all(reasons[place(record)].startswith("unprocessable: ") for record in unsealed)

    listed = dlq_ok(chain, "list", "--records", "--reason", "morning check")
    assert re.search(rf"{re.escape(chain.prefix)}signals\.dlq\s+3\s+0\s", listed), listed
    assert "unprocessable" in listed and "sealed address cannot be opened" in " ".join(listed.split())
    assert all(place(record) in listed for record in found)

    shown = {}
    for record in (broken, unsealed[0]):
        shown[record.offset, record.partition] = text = dlq_ok(chain, "show", "signals", str(record.partition), str(record.offset))
        assert BSN not in text and sealed not in text and FAMILY_DWELLING not in text, "no personal data, no sealed address"
        assert re.search(r"data: keys only\s+[^\n]*sealed_address", text), text
    broken_shown, unsealed_shown = shown[broken.offset, broken.partition], shown[unsealed[0].offset, unsealed[0].partition]
    assert re.search(r"data: keys only\s+bsn, sealed_address", broken_shown) and "withheld" in broken_shown
    assert str(event.id) in unsealed_shown and event.subject in unsealed_shown and re.search(r"state\s+open", unsealed_shown)

    restart_triage_with_the_lost_key(chain)
    replayed = dlq_ok(chain, "replay", "signals", "--offset", place(unsealed[0]), "--reason", "address key restored, INC0042731")
    assert f"republished to {chain.prefix}signals/" in " ".join(replayed.split())
    [alert] = eventually(lambda: alerts_for(chain, signal_id), timeout=60, what="triage handled the replayed signal")
    assert alert["data"]["recipient"] == "vroeg-eropaf-amsterdam"

    # The second dead letter of the same event: replaying an event already handled is harmless.
    dlq_ok(chain, "replay", "signals", "--all", "--reason-contains", "cannot be opened", "--reason", "second copy, INC0042731")
    eventually(
        lambda: all_handled(chain.kafka, chain.prefix + "triage", chain.prefix + "signals"),
        timeout=60, what="triage handled every record of signals, the replays too",
    )  # fmt: skip
    assert len(alerts_for(chain, signal_id)) == 1, "handled exactly once"
    assert len(dead_letters(chain)) == 3, "nothing dead-lettered again"
    again = dlq(chain, "replay", "signals", "--offset", place(unsealed[0]), "--reason", "once more")
    assert again.returncode == 1 and f"replayed by {OPERATOR}" in again.stderr

    with exporter(chain) as scrape:
        assert eventually(lambda: scrape().get(chain.prefix + "signals.dlq") == 1, timeout=30, what="one open dead letter exported")
        discarded = dlq_ok(chain, "discard", "signals", "--offset", place(broken), "--reason", "written by a broken test producer")
        assert "discarded" in discarded
        eventually(lambda: scrape().get(chain.prefix + "signals.dlq") == 0, timeout=30, what="none open exported after discard")
    after = dlq_ok(chain, "list")
    assert re.search(rf"{re.escape(chain.prefix)}signals\.dlq\s+0\s+3\s", after), after

    entries = [json.loads(record.value) for record in read_all(chain.kafka, chain.prefix + "signaalketen.dlq-ledger", idle_ms=800)]
    closing = {(entry["action"], entry["dead_letter"]): entry for entry in entries if entry["action"] in ("replayed", "discarded")}
    topic = chain.prefix + "signals.dlq"
    assert set(closing) == {("replayed", f"{topic}/{place(record)}") for record in unsealed} | {("discarded", f"{topic}/{place(broken)}")}
    for entry in closing.values():
        assert entry["operator"] == OPERATOR and entry["machine_user"].startswith(getpass.getuser() + "@") and entry["why"]
    assert closing[("replayed", f"{topic}/{place(unsealed[0])}")]["event_id"] == str(event.id)
    assert [entry["action"] for entry in entries].count("shown") == 2 and "listed" in [entry["action"] for entry in entries]
    assert BSN not in json.dumps(entries) and sealed not in json.dumps(entries)
    ledger = run_cli("dlq", "ledger", "--bootstrap", chain.kafka, "--prefix", chain.prefix, "--topic", "signals")
    assert ledger.returncode == 0 and "discarded" in ledger.stdout and "written by a broken test producer" in " ".join(ledger.stdout.split())


class exporter:
    """`dlq exporter` as a process; `scrape()` answers open dead letters per topic."""

    def __init__(self, chain):
        self.port = free_port()
        self.args = [
            sys.executable, "-m", "services.cli", "dlq", "exporter", "--port", str(self.port), "--interval", "1",
            "--bootstrap", chain.kafka, "--prefix", chain.prefix, "--operator", OPERATOR,
        ]  # fmt: skip

    def __enter__(self):
        self.process = subprocess.Popen(self.args, cwd=REPO, env=os.environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return self.scrape

    def scrape(self) -> dict[str, float]:
        try:
            text = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=2).text
        except httpx.HTTPError:
            return {}
        return {
            sample.labels["topic"]: sample.value
            for family in text_string_to_metric_families(text) if family.name == "signaalketen_dead_letters_open"
            for sample in family.samples
        }  # fmt: skip

    def __exit__(self, *_exc):
        self.process.terminate()
        self.process.wait(10)
