"""The example alert rules (deploy/prometheus/alerts.yaml) and scrape configuration
(prometheus.yml): valid for Prometheus, behaving as alerts.test.yaml says (both by promtool
itself), and watching metrics the chain exposes."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.notifications.settings import NotificationsSettings
from shared.bus.dead_letter_metrics import OpenDeadLetters, OpenOnTopic
from shared.bus.memory import InMemoryBus
from shared.runtime import build_runtime
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
    assert checked.returncode == 0 and "SUCCESS: 11 rules found" in checked.stdout, checked.stdout + checked.stderr
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def test_promtool_accepts_the_example_scrape_configuration(promtool):
    # --syntax-only: the token file it names exists only where Prometheus runs
    checked = subprocess.run([promtool, "check", "config", "--syntax-only", "prometheus.yml"], cwd=RULES, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    jobs = {job["job_name"]: job for job in yaml.safe_load((RULES / "prometheus.yml").read_text())["scrape_configs"]}
    services = {name for name in jobs if name != "signaalketen-dlq"}
    assert services == {f"signaalketen-{name}" for name in ("arrears", "triage", "placement", "notifications", "monitor", "portal", "register")}
    assert all(jobs[name]["authorization"]["type"] == "Bearer" for name in services), "every service's /metrics wants the token"


def exposed_names(text: str) -> set[str]:
    """Sample names a rule can use: a family's name, and `<name>_total` for a counter."""
    names = set()
    for family in text_string_to_metric_families(text):
        names |= {family.name, f"{family.name}_total"} if family.type == "counter" else {family.name}
    return names


def test_every_rule_watches_a_metric_the_chain_exposes_and_every_alert_has_what_an_operator_reads(tmp_path):
    service = build_runtime(NotificationsSettings(environment="test", database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db"), bus=InMemoryBus())
    service.metrics.count_deliveries()
    exposed = exposed_names(service.metrics.exposition()[0].decode())
    collector = OpenDeadLetters()
    collector.update([OpenOnTopic("signals.dlq", 1, None)], read_at=__import__("datetime").datetime.now().astimezone())
    registry = CollectorRegistry()
    registry.register(collector)
    exposed |= exposed_names(generate_latest(registry).decode())
    watched = set()
    for group in yaml.safe_load((RULES / "alerts.yaml").read_text())["groups"]:
        for rule in group["rules"]:
            assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
            assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
            watched |= set(re.findall(r"signaalketen_[a-z_]+", rule["expr"]))
    assert watched and watched <= exposed, f"rules watch metrics nothing exposes: {watched - exposed}"
    for_alerting = {name for name in exposed if name.startswith("signaalketen_dead_letters_")} - {"signaalketen_dead_letters_open"}
    assert for_alerting - {"signaalketen_dead_letters"} <= watched, "a metric made for alerting that no rule watches"
