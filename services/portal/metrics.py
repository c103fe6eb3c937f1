"""The portal's Prometheus metrics (docs/adr/0030): its HTTP requests by route template, as
every service counts them, and its calls to the services behind the pages, by service,
method and how they ended. `/metrics` takes the scraper's token (SIGNAL_METRICS_TOKEN)."""

from __future__ import annotations

from prometheus_client import Counter

from shared.metrics import HttpMetrics

UNAVAILABLE = "unavailable"  # no answer at all: refused connection, timeout


class PortalMetrics(HttpMetrics):
    def __init__(self) -> None:
        super().__init__()
        self.backend_calls = Counter(
            "signaalketen_portal_backend_calls",
            "Calls of the portal to the chain's services, by service, method and outcome "
            "(status class, or `unavailable` when no answer came)",
            ["service", "method", "outcome"],
            registry=self.registry,
        )

    def backend_call(self, service: str, method: str, status_code: int | None) -> None:
        outcome = f"{status_code // 100}xx" if status_code is not None else UNAVAILABLE
        self.backend_calls.labels(service=service, method=method, outcome=outcome).inc()
