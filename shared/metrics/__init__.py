"""Prometheus metrics of a service process (docs/adr/0030-prometheus-metrics.md).

Every runtime has its own registry (`ServiceMetrics`), never prometheus-client's global
default one, so several apps in one test process do not share counters. What is counted
and where:

- HTTP requests by method, route template and status class (`RequestMetrics`, an ASGI
  middleware in every service app);
- events produced and consumed per topic, and dead letters per source topic, consumer
  group and kind of reason (`MeteredBus`, a wrapper around the runtime's bus);
- webhook deliveries by outcome (the notifications service's outcome recorder);
- read at each scrape: consumer lag and partitions per group, the outbox backlog and
  what the outbox relay published, and the holds and failures of shared.outages.

`/metrics` answers them in Prometheus' text format, to the scraper's bearer token
(`SIGNAL_METRICS_TOKEN`, required in production): shared.metrics.endpoint.
"""

from shared.metrics.bus import MeteredBus
from shared.metrics.registry import HttpMetrics, ServiceMetrics

__all__ = ["HttpMetrics", "MeteredBus", "ServiceMetrics"]
