"""A service's `/metrics` as a test (or a benchmark) reads it: Prometheus' text format,
parsed with prometheus-client's own parser, as a scraper would."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


@dataclass(frozen=True)
class Scrape:
    samples: tuple[Sample, ...]

    def total(self, name: str, **labels: str) -> float:
        """The sum of the samples called `name` whose labels include `labels` (0 when none)."""
        return sum(sample.value for sample in self.matching(name, labels))

    def value(self, name: str, **labels: str) -> float | None:
        """The one sample called `name` with these labels, or None when it is absent."""
        found = list(self.matching(name, labels))
        assert len(found) <= 1, f"{name}{labels} names {len(found)} samples"
        return found[0].value if found else None

    def by(self, name: str, label: str) -> dict[str, float]:
        """The samples called `name`, by the value of one of their labels."""
        return {sample.labels[label]: sample.value for sample in self.samples if sample.name == name}

    def matching(self, name: str, labels: dict[str, str]):
        return (s for s in self.samples if s.name == name and labels.items() <= s.labels.items())


def parse(response: httpx.Response) -> Scrape:
    assert response.status_code == 200, f"/metrics answered {response.status_code}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4"), response.headers["content-type"]
    families = text_string_to_metric_families(response.text)
    return Scrape(tuple(sample for family in families for sample in family.samples))


def scrape(url: str, token: str | None = None, timeout: float = 10) -> Scrape:
    """`url`'s metrics (a service's base URL), with the scraper's token if one is set."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return parse(httpx.get(url + "/metrics", headers=headers, timeout=timeout))
