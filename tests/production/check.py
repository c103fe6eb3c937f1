"""`make production-check`: the chain in its deployed shape, proven in one command.

    .venv/bin/python -m tests.production.check [--signals 2000] [--rate 20] [--keep] [--restarts together]

Starts, with the project's own scripts and on free ports of its own: Keycloak with a realm
whose secrets are generated for the run, the three-broker Kafka cluster with the topics of
deploy/kafka/topics.yaml (3 replicas, min ISR 2), PostgreSQL with every database migrated,
the register stand-in and two instances of every service and of the portal in production.
Then it tells the README's two stories with Keycloak tokens, lets a named GGD worker read
a case in the portal (headless Chromium) and finds her in the audit, scrapes every
instance's /metrics with the scraper's token (and is refused without it), streams the signals
while it kills a broker and one instance of every service with -9 and starts each again,
and counts. Its last line:

    production-check: signals 2000, lost 0, duplicate alerts after dedupe 0, duplicate cases 0, raw duplicate deliveries N, wall S s

Exits 1 when a signal was lost, an alert or a case duplicated, or a step failed. Everything
it started is stopped and its data removed, also on failure (the logs then stay in
.run/production-check/<run>/ and their path is printed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx

from tests.production import tally
from tests.production.deployment import SERVICES, Deployment
from tests.production.infrastructure import Infrastructure
from tests.production.partners import Partner, Tokens
from tests.production.portal_login import audited_as_the_worker, read_case_in_portal
from tests.production.rolling import rolling_restart
from tests.production.run_secrets import generate
from tests.production.stories import CORPORATION, Stories
from tests.production.stream import Stream
from tests.production.topics import create_topics
from tests.support.metrics import scrape
from tests.support.processes import REPO
from tests.support.tls_webhook_receiver import TlsWebhookReceiver
from tests.support.wait import eventually

STARTED = time.monotonic()
DRAIN_SECONDS = 600
SETTLE_SECONDS = 5  # after the last alert: room for a late repeat delivery to show up
OWN_PREFIXES = ("SIGNAL_", "ARREARS_", "TRIAGE_", "PLACEMENT_", "NOTIFICATIONS_", "MONITOR_", "PORTAL_", "REGISTER_")


def log(message: str) -> None:
    print(f"[production-check {time.monotonic() - STARTED:6.0f} s] {message}", flush=True)


class MemoryWatch(threading.Thread):
    """Resident memory of Keycloak and each broker, sampled every second; the peak of each."""

    def __init__(self, infra: Infrastructure):
        super().__init__(daemon=True)
        self.infra, self.peak, self._stop = infra, {}, threading.Event()

    def run(self) -> None:
        while not self._stop.wait(1.0):
            for name, mib in self.infra.memory().items():
                if mib is not None:
                    self.peak[name] = max(mib, self.peak.get(name, 0))

    def stop(self) -> None:
        self._stop.set()

    def summary(self) -> str:
        return ", ".join(f"{name} {mib} MiB" for name, mib in sorted(self.peak.items())) or "not measured"


def quietly(what: str, action) -> None:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - clean-up goes on with the rest
        log(f"clean-up: {what} failed: {exc}")


def stop_infrastructure(infra: Infrastructure) -> None:
    """The three at once, each with its data wiped, whether it started or not."""
    stops = (("Keycloak stop", infra.keycloak.stop), ("Kafka cluster stop", infra.cluster.stop), ("PostgreSQL stop", infra.postgres.stop))
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda stop: quietly(*stop), stops))


def started(future: Future) -> None:
    lines = future.result().strip().splitlines()
    log(next((line for line in lines if " ready " in line), lines[-1] if lines else "started"))


def start_infrastructure(infra: Infrastructure, stack: ExitStack) -> Future:
    """The three at once. The check goes on when the cluster and PostgreSQL are up: nothing
    needs Keycloak (the slowest, about a minute) before the first token, so the topics, the
    migrations and the services start meanwhile. Returns Keycloak's start, to wait for then."""
    stack.callback(stop_infrastructure, infra)
    pool = ThreadPoolExecutor(3)
    stack.callback(pool.shutdown)  # runs first on the way out: a start still going finishes before the stops
    keycloak = pool.submit(infra.keycloak.start)
    for future in (pool.submit(infra.start_cluster), pool.submit(infra.postgres.start)):
        started(future)
    return keycloak


def deploy(infra: Infrastructure, run_dir: Path, secrets, stack: ExitStack) -> Deployment:
    log(create_topics(infra.cluster.bootstrap))
    (run_dir / "logs").mkdir(exist_ok=True)
    deployment = Deployment.plan(infra, secrets, run_dir / "logs")
    stack.callback(quietly, "services stop", deployment.stop)
    deployment.migrate()
    log("every database migrated (python -m services.<name> migrate)")
    deployment.start()
    log(f"register stand-in and two instances of {', '.join(deployment.instances)} ready (production)")
    return deployment


def tell_stories(stories: Stories, deployment: Deployment, infra: Infrastructure, secrets, run_dir: Path) -> None:
    subject = stories.arrears_to_the_prevention_team()
    log(f"story 1: Ymere's arrears -> alert at the prevention team's webhook, case {subject} read and audited")

    def read_in_portal(case_key: str) -> None:
        portal = deployment.instances["portal"][0].url
        read_case_in_portal(portal, infra.keycloak.issuer, secrets.passwords["ggd.devries"], case_key, run_dir)
        read = audited_as_the_worker(stories.tokens, deployment.urls("triage"), case_key)
        log(f"portal: {read['caller_name']} ({read['caller_employee_number']}) logged in at Keycloak and read "
            f"{case_key}; triage's audit names her (trace {read['trace_id']})")  # fmt: skip

    case_key = stories.family_found_at_the_door(read_in_portal)
    log(f"story 2: family found -> urgent GGD alert -> offer -> HVO Querido confirms -> GGD hears placement.confirmed ({case_key})")


def scrape_every_instance(deployment: Deployment, token: str) -> None:
    """Every instance's /metrics: refused without the scraper's token, Prometheus' format
    with it, showing the stories' signals posted at the intake and consumed by triage."""
    scraped = {service: [] for service in SERVICES}
    for service in SERVICES:
        for url in deployment.urls(service):
            refused = httpx.get(url + "/metrics", timeout=10).status_code
            assert refused == 401, f"{service} {url}/metrics answered {refused} without the scraper's token"
            scraped[service].append(scrape(url, token))
    posted = sum(m.total("signaalketen_http_requests_total", route="/v1/signals", status_class="2xx") for m in scraped["arrears"])
    consumed = sum(m.total("signaalketen_events_consumed_total", topic="signals") for m in scraped["triage"])
    assert posted >= 2 and consumed >= 2, f"the stories' signals not in the metrics: posted {posted}, consumed {consumed}"
    instances = sum(len(found) for found in scraped.values())
    log(f"metrics: {instances} instances refuse /metrics without the scraper's token and answer Prometheus' format "
        f"with it: {posted:.0f} signals posted at the intake, {consumed:.0f} consumed by triage")  # fmt: skip


def stream_with_faults(stream: Stream, infra: Infrastructure, deployment: Deployment, options: argparse.Namespace) -> float:
    together = options.restarts == "together"
    with ThreadPoolExecutor(1) as pool:
        faults = pool.submit(rolling_restart, stream, infra, deployment, log, together=together, broker_down=options.broker_down)
        seconds = stream.run()
        faults.result()
    log(f"{len(stream.accepted)} of {stream.total} signals accepted in {seconds:.0f} s; "
        f"answers posted again: {dict(stream.refusals) or 'none'}; "
        f"sent on to the other instance: {dict(stream.intake.failovers) or 'none'}")  # fmt: skip
    return seconds


def count(stream: Stream, receiver, infra: Infrastructure) -> tally.Verdict:
    wanted = set(stream.accepted.values())
    started = time.monotonic()
    try:
        eventually(lambda: wanted <= set(tally.receiver_counts(receiver, "/alerts")[0]), timeout=DRAIN_SECONDS,
                   interval=1.0, what="every accepted signal's alert at the prevention team's receiver")  # fmt: skip
        log(f"every alert arrived {time.monotonic() - started:.0f} s after the stream ended")
    except AssertionError as exc:
        log(str(exc))
    time.sleep(SETTLE_SECONDS)
    alerts, deliveries = tally.receiver_counts(receiver, "/alerts")
    deliveries += receiver.sends_per_event("/ggd")
    stored, in_triage, cases = tally.database_counts(
        infra.postgres.url("arrears"), infra.postgres.url("triage"), sorted(wanted)
    )
    seen = tally.Observed(stream.total, dict(stream.accepted), stored, alerts, in_triage, deliveries, cases,
                          dwellings=len(stream.accepted) + 2)  # fmt: skip
    return tally.verdict(seen)


def run(options: argparse.Namespace, run_dir: Path) -> tally.Verdict:
    with ExitStack() as stack:
        secrets = generate(run_dir / "secrets")
        infra = Infrastructure.on_free_ports(run_dir, secrets.realm_file)
        log(f"Keycloak :{infra.keycloak.port}, Kafka {infra.cluster.bootstrap}, PostgreSQL :{infra.postgres.port}; run dir {run_dir}")
        keycloak = start_infrastructure(infra, stack)
        memory = MemoryWatch(infra)
        memory.start()
        stack.callback(lambda: log(f"peak resident memory: {memory.summary()}"))
        stack.callback(memory.stop)
        deployment = deploy(infra, run_dir, secrets, stack)
        started(keycloak)
        receiver = TlsWebhookReceiver(secrets.certificates.server_context()).start()
        stack.callback(receiver.stop)
        tokens = Tokens(infra.keycloak.issuer, secrets.clients)
        stories = Stories(tokens, deployment.urls, receiver)
        stack.callback(stories.close)
        tell_stories(stories, deployment, infra, secrets, run_dir)
        scrape_every_instance(deployment, secrets.metrics_token)
        stream = Stream(Partner(tokens, CORPORATION, deployment.urls("arrears")), options.signals, options.rate)
        stream_with_faults(stream, infra, deployment, options)
        return count(stream, receiver, infra)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.production.check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", type=int, default=2000, help="signals to stream (default 2000)")
    parser.add_argument("--rate", type=float, default=20.0, help="at most this many signals per second (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the run's logs and secrets also when it passes")
    parser.add_argument("--restarts", choices=("rolling", "together"), default="rolling",
                        help="kill -9 one instance of each service one after the other (default), or all at once "
                             "and start them together (quicker: the CI variant)")
    parser.add_argument("--broker-down", type=float, default=10.0, help="seconds the killed broker stays down (default 10)")
    options = parser.parse_args(argv)
    for name in [name for name in os.environ if name.startswith(OWN_PREFIXES)]:
        del os.environ[name]  # the run sets every variable of the chain itself
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds the clean-up as Ctrl-C does
    run_dir = REPO / ".run" / "production-check" / time.strftime("%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True)
    try:
        verdict = run(options, run_dir)
    except Exception as exc:  # noqa: BLE001 - reported as the reason, with the logs kept
        log(f"FAILED: {type(exc).__name__}: {exc}")
        print(f"production-check: failed before counting ({type(exc).__name__}); logs in {run_dir}", flush=True)
        return 1
    if verdict.passed and not options.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    elif not verdict.passed:
        log(f"logs kept in {run_dir}")
    print(verdict.line(time.monotonic() - STARTED), flush=True)
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
