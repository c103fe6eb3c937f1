"""The fault suite in the normal test run: every service's database and triage's register
cut for 5 s, then for 60 s, one after another while 2,000 signals stream through the real
chain (per duration). Nothing may be lost, alerted twice or dead-lettered, and every cut
must have bitten (the service reported transient failures while it lasted).

The 5-minute outages run in `make faults` only (tests/faults/run_faults.py)."""

import pytest

from tests.faults.chain import start_fault_chain
from tests.faults.suite import report, run_outages

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]


@pytest.fixture(scope="module")
def fault_chain(kafka_bootstrap, postgres_admin_url):
    chain = start_fault_chain(kafka_bootstrap, postgres_admin_url)
    yield chain
    chain.stop()


def outages(chain, seconds: int, run: int, capsys) -> None:
    outcome = run_outages(chain, seconds, run=run)
    lines = [line.text() for line in outcome.lines]
    with capsys.disabled():
        print("\n" + "\n".join(lines + report(outcome)))
    assert [line.fault.service for line in outcome.lines] == ["arrears", "triage", "triage", "placement", "notifications", "monitor"]
    assert sum(line.signals for line in outcome.lines) == 2000, lines
    assert outcome.clean, "\n".join(lines + report(outcome)) + "\n" + chain.logs(15)


@pytest.mark.timeout(600)
def test_5_second_outages_lose_nothing_duplicate_nothing_dead_letter_nothing(fault_chain, capsys):
    outages(fault_chain, 5, 0, capsys)


@pytest.mark.timeout(1200)
def test_60_second_outages_lose_nothing_duplicate_nothing_dead_letter_nothing(fault_chain, capsys):
    outages(fault_chain, 60, 1, capsys)
