"""The example alert rules (deploy/prometheus/alerts.yaml): valid for Prometheus, behaving
as alerts.test.yaml says (both by promtool itself), and watching metrics the chain has."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from shared.bus.dead_letter_metrics import DEAD_LETTERS, OpenDeadLetters, OpenOnTopic
from shared.settings import REPO_ROOT

RULES = REPO_ROOT / "deploy" / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    """promtool from PATH, or unpacked from Debian's package by deploy/prometheus/promtool.sh."""
    found = subprocess.run(
        ["bash", str(RULES / "promtool.sh")], capture_output=True, text=True, timeout=300, check=False
    )
    if found.returncode != 0:
        pytest.fail(f"no promtool, and deploy/prometheus/promtool.sh could not get one:\n{found.stderr}")
    return found.stdout.strip()


def test_promtool_accepts_the_rules_and_their_tests_pass(promtool):
    checked = subprocess.run([promtool, "check", "rules", "alerts.yaml"], cwd=RULES, capture_output=True, text=True, check=False)
    tested = subprocess.run([promtool, "test", "rules", "alerts.test.yaml", "alerts-days.test.yaml"], cwd=RULES, capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and "SUCCESS: 6 rules found" in checked.stdout, checked.stdout + checked.stderr
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def test_every_rule_watches_a_metric_the_chain_exposes_and_every_alert_has_what_an_operator_reads():
    exposed = {DEAD_LETTERS._name + "_total"}  # the counter's sample name
    collector = OpenDeadLetters()
    collector.update([OpenOnTopic("signals.dlq", 1, None)], read_at=__import__("datetime").datetime.now().astimezone())
    registry = CollectorRegistry()
    registry.register(collector)
    exposed |= {family.name for family in text_string_to_metric_families(generate_latest(registry).decode())}
    [group] = yaml.safe_load((RULES / "alerts.yaml").read_text())["groups"]
    watched = set()
    for rule in group["rules"]:
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
        watched |= set(re.findall(r"signaalketen_[a-z_]+", rule["expr"]))
    assert watched and watched <= exposed, f"rules watch metrics nothing exposes: {watched - exposed}"
    assert exposed - {"signaalketen_dead_letters_open"} <= watched, "a metric made for alerting that no rule watches"
