"""The check's faults, on fakes: the broker first, then one instance of every service, one
after the other (rolling) or all at once (the CI variant); the stream's held-back tail is
released either way, also when a restart fails."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from tests.production import rolling


class Deployment:
    def __init__(self, fail: str | None = None):
        self.restarts: list[tuple[str, int, float, float]] = []
        self.fail = fail
        self._lock = threading.Lock()

    def restart(self, service: str, n: int) -> None:
        started = time.monotonic()
        time.sleep(0.2)
        if service == self.fail:
            raise RuntimeError(f"{service} did not come back")
        with self._lock:
            self.restarts.append((service, n, started, time.monotonic()))


@pytest.fixture
def world(monkeypatch):
    async def busiest(_bootstrap):
        return 2

    monkeypatch.setattr(rolling, "_busiest_broker", busiest)
    events: list[str] = []
    infra = SimpleNamespace(cluster=SimpleNamespace(bootstrap="b", kill=lambda node: events.append(f"kill {node}")),
                            restart_broker=lambda node: events.append(f"restart {node}"))  # fmt: skip
    stream = SimpleNamespace(accepted={n: str(n) for n in range(50)}, wait_until=lambda _f: None, faults_done=threading.Event())
    return infra, stream, events


def test_rolling_restarts_one_service_after_the_other(world):
    infra, stream, events = world
    deployment = Deployment()
    done = rolling.rolling_restart(stream, infra, deployment, lambda _line: None, broker_down=0)
    assert events == ["kill 2", "restart 2"] and stream.faults_done.is_set()
    assert [service for service, *_ in deployment.restarts] == list(rolling.ORDER)
    assert all(previous[3] <= following[2] for previous, following in zip(deployment.restarts, deployment.restarts[1:]))
    assert [line.split(":")[0] for line in done[1:]] == [f"{service}-1" for service in rolling.ORDER]


def test_together_kills_the_first_instance_of_every_service_at_once(world):
    infra, stream, events = world
    deployment = Deployment()
    done = rolling.rolling_restart(stream, infra, deployment, lambda _line: None, together=True, broker_down=0)
    assert events == ["kill 2", "restart 2"] and stream.faults_done.is_set()
    assert sorted(service for service, *_ in deployment.restarts) == sorted(rolling.ORDER)
    assert {n for _service, n, *_ in deployment.restarts} == {0}
    assert max(start for *_, start, _end in deployment.restarts) < min(end for *_, end in deployment.restarts), "all down at once"
    assert sorted(line.split(":")[0] for line in done[1:]) == sorted(f"{service}-1" for service in rolling.ORDER)


def test_the_stream_goes_on_when_a_restart_fails(world):
    infra, stream, _events = world
    with pytest.raises(RuntimeError, match="triage did not come back"):
        rolling.rolling_restart(stream, infra, Deployment(fail="triage"), lambda _line: None, together=True, broker_down=0)
    assert stream.faults_done.is_set()
