"""The README's walkthroughs and the CLI README's examples, run exactly as written.

The chain is started the way `make up` starts it (`deploy/local/up.sh`, on the ports the
README names), and every shell block of the documented sections is taken from the
Markdown itself and run in order with bash. Each step then checks what the text
promises. Changing a documented command so that it no longer works fails this test; so
does a section that gains or loses a command without this test learning what it
promises.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.contracts.envelope import encode
from tests.support.kafka_tools import produce, read_all
from tests.support.markdown import blocks, shell_blocks
from tests.support.process_guard import dies_with_this_process, group_dies_together
from tests.support.processes import REPO
from tests.support.sealed_signals import sealed_signal
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

README = REPO / "README.md"
CLI_README = REPO / "services" / "cli" / "README.md"
PORTS = {"arrears": 8001, "triage": 8002, "placement": 8003, "notifications": 8004, "monitor": 8005, "portal": 8006}
REGISTER = "http://127.0.0.1:8090/haalcentraal/api/brp"
RECEIVER_PORT = 9999
FAMILY_DWELLING = "0363010001004477"


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class MadeUpChain:
    """`deploy/local/up.sh` in a process group of its own, on a run directory and topic prefix of
    its own, so it shares the broker with the other tests and leaves the checkout clean. It gets
    SIGTERM when the test process dies, even killed, and stops every service as on Ctrl-C (not
    SIGINT itself: a run started in the background of a script inherits SIGINT ignored, and bash
    cannot trap a signal ignored on entry)."""

    def __init__(self, run_dir: Path, kafka_bootstrap: str):
        self.run_dir = run_dir
        self.env = {
            **os.environ,
            "SIGNAL_RUN_DIR": str(run_dir),
            "SIGNAL_TOPIC_PREFIX": f"readme{uuid.uuid4().hex[:8]}.",
            "SIGNAL_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "KAFKA_PORT": kafka_bootstrap.rsplit(":", 1)[1],
        }
        self.output = run_dir / "up.out"
        self._process: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> None:
        busy = [port for port in (*PORTS.values(), 8090, RECEIVER_PORT) if _port_in_use(port)]
        if busy:
            pytest.fail(f"the README's ports {busy} are taken (is `make up` running?); the walkthrough needs them")
        with open(self.output, "wb") as out:
            self._process = subprocess.Popen(
                ["bash", "deploy/local/up.sh"], cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=dies_with_this_process(signal.SIGTERM),
            )
        eventually(
            lambda: "The signal chain is running" in self.output.read_text() or self._process.poll() is not None,
            timeout=timeout, interval=0.5, what="make up's 'The signal chain is running'",
        )
        assert self._process.poll() is None, f"up.sh stopped:\n{self.output.read_text()[-3000:]}"

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        os.killpg(self._process.pid, signal.SIGINT)  # as Ctrl-C in make up's terminal
        try:
            self._process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()


@pytest.fixture(scope="module")
def made_up_chain(kafka_bootstrap, tmp_path_factory):
    chain = MadeUpChain(tmp_path_factory.mktemp("make-up"), kafka_bootstrap)
    chain.start()
    try:
        yield chain
    finally:
        chain.stop()
    assert not any(_port_in_use(port) for port in PORTS.values()), "Ctrl-C stops every service"


class Shell:
    """Runs documented blocks with bash, as a reader would paste them into a terminal."""

    def __init__(self, cwd: Path, env: dict[str, str]):
        self.cwd = cwd
        self.env = env
        self.background: list[subprocess.Popen] = []
        self.printed: list[str] = []

    def run(self, block: str, timeout: float = 120, expect: int = 0, **placeholders: str) -> str:
        for name, value in placeholders.items():
            assert f"<{name}>" in block, f"the documented command lost its <{name}>"
            block = block.replace(f"<{name}>", value)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block], cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == expect, f"documented command failed ({done.returncode}):\n{block}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start_background(self, block: str) -> None:
        """A block ending in `&`: its process keeps printing; collect what it prints. The block runs
        as written, under a bash that stays its parent and takes its group down with it when the
        test process dies, even killed (the receiver would hold port 9999 for the next run)."""
        assert block.rstrip().endswith("&")
        process = subprocess.Popen(
            group_dies_together(block), cwd=self.cwd, env=self.env, stdout=subprocess.PIPE, text=True,
            start_new_session=True, preexec_fn=dies_with_this_process(),
        )
        self.background.append(process)
        threading.Thread(target=lambda: self.printed.extend(process.stdout), daemon=True).start()

    def stop_background(self) -> None:
        for process in self.background:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def http_answer(output: str) -> tuple[int, dict]:
    """`curl -si` output: the status code and the JSON body."""
    head, _, body = output.replace("\r\n", "\n").partition("\n\n")
    return int(head.split()[1]), json.loads(body)


def received(shell: Shell, path: str, event_type: str, **data) -> dict:
    """The CloudEvent the README's receiver printed for `path`, whose data has these values."""

    def find():
        for line in list(shell.printed):
            printed_path, _, body = line.partition(" ")
            event = json.loads(body)
            if printed_path == path and event["type"] == event_type and all(event["data"].get(k) == v for k, v in data.items()):
                return line, event
        return None

    return eventually(find, timeout=30, what=f"{event_type} printed by the receiver for {path}")


def household_identifiers(dwelling: str) -> list[str]:
    """Names, BSNs and birth dates the register holds for the people living at the dwelling."""
    answer = httpx.post(
        f"{REGISTER}/personen",
        json={"type": "ZoekMetAdresseerbaarObjectIdentificatie", "adresseerbaarObjectIdentificatie": dwelling,
              "fields": ["burgerservicenummer", "naam", "geboorte"]},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    persons = answer.json()["personen"]
    assert len(persons) >= 3, "the README's dwelling holds two parents and their children"
    found = []
    for person in persons:
        found.append(person["burgerservicenummer"])
        found += [person["naam"][part] for part in ("voornamen", "geslachtsnaam") if person["naam"].get(part)]
        found.append(person["geboorte"]["datum"]["datum"])
    return found


@pytest.fixture(scope="module")
def shell(made_up_chain):
    env = {**os.environ, "PATH": f"{REPO / '.venv' / 'bin'}:{os.environ['PATH']}"}
    shell = Shell(REPO, env)
    yield shell
    shell.stop_background()


def test_the_arrears_walkthrough_works_as_written(shell):
    blocks = shell_blocks(README, "Walkthrough: one family's arrears")
    assert len(blocks) == 6, "a command was added to or removed from the walkthrough: teach this test what it promises"
    receiver, subscribe, report, status, case, audit = blocks

    shell.start_background(receiver)
    eventually(lambda: _port_in_use(RECEIVER_PORT), what="the receiver of step 1 listening on 9999")

    subscription = json.loads(shell.run(subscribe))
    assert subscription.get("callback_url") == "http://127.0.0.1:9999/alerts" and subscription["secret"], subscription

    code, signal_ = http_answer(shell.run(report))
    assert code == 202 and signal_["id"] and signal_["status_url"].endswith(signal_["id"]), signal_

    line, alert = received(shell, "/alerts", "nl.signaalketen.alert.raised.v1", signal_id=signal_["id"])
    data = alert["data"]
    assert data["recipient"] == "vroeg-eropaf-amsterdam" and data["is_family"] is True
    assert data["minors"] >= 1 and len(data["minor_ages"]) == data["minors"]
    assert data["rule_id"] == "ams-arrears-vroeg-eropaf" and data["due"]
    assert alert["subject"].startswith("hh-")
    for identifier in [FAMILY_DWELLING, *household_identifiers(FAMILY_DWELLING)]:
        assert identifier not in line, "the alert carries no address, name, BSN or birth date"

    routed = eventually(
        lambda: (body := json.loads(shell.run(status, id=signal_["id"]))).get("status") == "routed" and body,
        what="the signal's status 'routed'",
    )
    assert [route["recipient"] for route in routed["routing"]] == ["vroeg-eropaf-amsterdam"]
    assert "minors" not in json.dumps(routed), "the corporation learns nothing about the household"

    read = json.loads(shell.run(case, subject=alert["subject"]))
    assert read["case_key"] == alert["subject"] and read["is_family"] is True
    decisions = [entry for entry in read["timeline"] if entry["kind"] == "decision"]
    assert decisions and decisions[0]["summary"]["rule"] == "ams-arrears-vroeg-eropaf", read["timeline"]

    entries = json.loads(shell.run(audit, subject=alert["subject"]))
    assert [(e["organisation_id"], e["action"]) for e in entries] == [
        ("vroeg-eropaf-amsterdam", "read case"), ("signaalketen", "register lookup")
    ], entries
    read_entry, lookup = entries
    assert read_entry["purpose"] == "home visit" and read_entry["trace_id"]
    assert signal_["id"] in lookup["purpose"] and lookup["caller_subject"] == "signaalketen-register-client"


def test_the_family_found_walkthrough_works_as_written(shell):
    blocks = shell_blocks(README, "Walkthrough: a family found")
    assert len(blocks) == 4, "a command was added to or removed from the walkthrough: teach this test what it promises"
    subscribe, found, requests, confirm = blocks
    if not _port_in_use(RECEIVER_PORT):  # this test alone: the first walkthrough's receiver
        shell.start_background(shell_blocks(README, "Walkthrough: one family's arrears")[0])
        eventually(lambda: _port_in_use(RECEIVER_PORT), what="the receiver listening on 9999")

    subscription = json.loads(shell.run(subscribe))
    assert subscription.get("event_types") == ["alert.raised", "placement.confirmed"] and subscription["secret"], subscription

    code, signal_ = http_answer(shell.run(found))
    assert code == 202, signal_
    _, alert = received(shell, "/ggd", "nl.signaalketen.alert.raised.v1", signal_id=signal_["id"])
    assert (alert["data"]["priority"], alert["data"]["kind"], alert["data"]["minor_ages"]) == ("urgent", "urgent_outreach", [3, 7])

    def offered():
        listed = json.loads(shell.run(requests))
        return [request for request in listed if request["case_key"] == alert["subject"] and request["status"] == "offered"]

    [request] = eventually(offered, what="the request offered to HVO Querido")
    assert request["family_type"] and request["facility_id"]

    confirmed = json.loads(shell.run(confirm, request_id=request["id"]))
    assert confirmed["status"] == "placed", confirmed
    _, news = received(shell, "/ggd", "nl.signaalketen.placement.confirmed.v1", request_id=request["id"])
    assert news["data"]["case_lead"] == "hvo-querido"


@pytest.fixture
def scratch(tmp_path) -> Path:
    """A folder that looks like the repository's root to the CLI examples (`services/` and
    `shared/` are the checkout's), so the files they write stay out of the checkout."""
    (tmp_path / "services").symlink_to(REPO / "services")
    (tmp_path / "shared").symlink_to(REPO / "shared")  # this checkout's, not the virtualenv's installed copy
    return tmp_path


def test_the_dead_letter_examples_work_as_written(made_up_chain, scratch):
    """The workbench's examples against the chain's dead letters: triage and the monitor
    dead-letter a record that is no event, triage a signal sealed with a key it does not hold.
    The key is not given back here, so the replayed signal comes back as a new dead letter
    naming the one before (the monitor, which counted it already, does nothing)."""
    # Runs before the CLI examples: their backfill of 10,000 signals keeps triage and the
    # monitor busy for minutes, and poison records posted after it would wait behind it.
    prefix = made_up_chain.env["SIGNAL_TOPIC_PREFIX"]
    shell = Shell(scratch, {**os.environ, "PATH": f"{REPO / '.venv' / 'bin'}:{os.environ['PATH']}", "COLUMNS": "120",
                            "SIGNAL_TOPIC_PREFIX": prefix, "SIGNAL_KAFKA_BOOTSTRAP": made_up_chain.env["SIGNAL_KAFKA_BOOTSTRAP"]})  # fmt: skip
    listed, show, replay, discard, ledger, prometheus = shell_blocks(CLI_README, "dlq", languages={"sh"})
    bootstrap = made_up_chain.env["SIGNAL_KAFKA_BOOTSTRAP"]
    event, sealed = sealed_signal()
    produce(bootstrap, prefix + "signals", [(b"hh-garbage", b"garbage"), (event.subject.encode(), encode(event))])
    records = eventually(lambda: len(found := read_all(bootstrap, prefix + "signals.dlq", idle_ms=800)) == 3 and found,
                         timeout=300, interval=2, what="triage dead-lettered both, the monitor the garbage")  # fmt: skip
    [unsealed] = [record for record in records if b"cannot be opened" in dict(record.headers)["dlq-reason"]]
    at = {"partition": str(unsealed.partition), "offset": str(unsealed.offset)}

    summary = shell.run(listed)
    assert re.search(rf"{re.escape(prefix)}signals\.dlq\s+3\s+0\s.*2 rejected, 1 unprocessable", summary), summary
    assert "sealed address cannot be opened" in summary and "not JSON" in summary
    shown = shell.run(show, **at)
    assert str(event.id) in shown and event.subject in shown and sealed not in shown and "sealed_address" in shown
    assert "republished to" in shell.run(replay, **at)
    again = eventually(lambda: [r for r in read_all(bootstrap, prefix + "signals.dlq", idle_ms=800) if dict(r.headers).get("dlq-replay-of")],
                       timeout=300, interval=2, what="the replayed signal dead-lettered again")  # fmt: skip
    assert dict(again[0].headers)["dlq-replay-of"].decode() == f"{prefix}signals.dlq/{unsealed.partition}/{unsealed.offset}"
    assert "Discarded: 2 dead letter(s)" in shell.run(discard), "triage's and the monitor's"
    entries = shell.run(ledger)
    assert all(action in entries for action in ("listed", "shown", "replayed", "discarded")) and "ops.devries" in entries
    shell.run(prometheus)
    samples = {(sample.name, sample.labels.get("topic")): sample.value
               for family in text_string_to_metric_families((scratch / "dlq.prom").read_text()) for sample in family.samples}  # fmt: skip
    assert samples[("signaalketen_dead_letters_open", f"{prefix}signals.dlq")] == 1, "the signal's new dead letter"


def test_the_cli_examples_work_as_written(made_up_chain, scratch):
    # A terminal 100 columns wide, as the README's printed tables are.
    # The broker of the chain this test started (the README's commands default to 127.0.0.1:9092).
    shell = Shell(scratch, {**os.environ, "PATH": f"{REPO / '.venv' / 'bin'}:{os.environ['PATH']}", "COLUMNS": "100",
                            "SIGNAL_KAFKA_BOOTSTRAP": made_up_chain.env["SIGNAL_KAFKA_BOOTSTRAP"]})  # fmt: skip
    replay, backfill, batch, topics, export = [
        block.text for block in blocks(CLI_README) if block.language == "sh" and not block.section.startswith("dlq")
    ]

    summary = shell.run(replay, expect=1)  # exit code 1: some rows rejected, as the README says
    counts = _summary_counts(summary)
    documented = _documented_output(CLI_README, "Replay of services/cli/examples/ymere-2026-11.csv")
    assert _lines(summary) == _lines(documented), summary
    receipt = list(csv.DictReader(open(scratch / "receipt.csv")))
    assert [row["outcome"] for row in receipt].count("accepted") == counts["accepted: new signals"]
    assert {(row["row"], row["field"]) for row in receipt if row["outcome"] in ("rejected", "unreadable")} == {
        ("6", "observed_on"), ("7", "months")
    }

    started = time.monotonic()
    summary = shell.run(backfill, timeout=300)
    assert _summary_counts(summary)["accepted: new signals"] == 10_000, summary
    assert time.monotonic() - started < 300

    answer = json.loads(shell.run(batch))
    assert [row["index"] for row in answer["accepted"]] == [0] and answer["accepted"][0]["replayed"] is False
    [rejected] = answer["rejected"]
    assert rejected["index"] == 1 and rejected["errors"][0]["loc"][-1] == "months"

    listed = shell.run(topics)
    # The first run creates them (1 replica on the one local broker, 730 days); a later run finds them.
    assert re.search(r"acc\.signals\s+6\s+(1\s+730 d\s+created|-\s+-\s+existing)", listed), listed
    created, existing = map(int, re.search(r"(\d+) created, (\d+) existing", listed).groups())
    assert created + existing == 14, listed

    shell.run(export)
    header = "municipality_code,year,month,district,metric,outcome,family,count"
    assert (scratch / "amsterdam-2026.csv").read_text().splitlines()[0] == header
    assert (scratch / "public.csv").read_text().splitlines()[0] == header


def _documented_output(path: Path, first_line: str) -> str:
    [output] = [block.text for block in blocks(path) if block.language == "" and block.text.startswith(first_line)]
    return output


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


def _summary_counts(text: str) -> dict[str, int]:
    return {m.group(1).strip(): int(m.group(2)) for m in re.finditer(r"│ ([a-z][^│]+?)\s+│\s+(\d+) │", text)}
