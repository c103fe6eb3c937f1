"""The load of the check: a corporation's system posts N arrears signals, each for its own
dwelling, spread over the intake's two instances; meanwhile one broker and then one
instance of every service are killed with -9 and started again, one after the other (a
rolling restart).

The partner behaves as partners are told to: every signal carries an Idempotency-Key and
is posted again until the chain has accepted it (a 2xx), through connection failures,
5xx and 503s while an instance or a broker is gone. The last tenth of the stream waits
until the rolling restart is over, so every kill happens while signals are flowing."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from tests.production.partners import Partner

ATTEMPTS = 240  # half a second apart: two minutes of a partner's patience per signal
WORKERS = 4
RETRYABLE = {"HTTP 401", "HTTP 408", "HTTP 409", "HTTP 429"}  # and every 5xx and connection failure


def dwelling(n: int) -> str:
    return f"036301{7_000_000_000 + n:010d}"  # Amsterdam, nobody registered there: routing still alerts


def arrears(n: int, observed_on: str) -> dict:
    return {"type": "arrears.reported", "observed_on": observed_on, "months": 2, "amount_eur": "900.00",
            "address": {"adresseerbaarObjectIdentificatie": dwelling(n)}}  # fmt: skip


@dataclass
class Stream:
    intake: Partner
    total: int
    rate: float  # signals per second, at most
    accepted: dict[int, str] = field(default_factory=dict)  # n -> signal id
    refusals: Counter = field(default_factory=Counter)  # what the partner saw before a signal was accepted
    gave_up: list[int] = field(default_factory=list)
    faults_done: threading.Event = field(default_factory=threading.Event)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def hold_back_from(self) -> int:
        return self.total - max(1, self.total // 10)

    def run(self) -> float:
        """Post every signal; returns the seconds it took."""
        started = time.monotonic()
        observed_on = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
        pace = threading.Semaphore(0)
        pacer = threading.Thread(target=self._pace, args=(pace,), daemon=True)
        pacer.start()
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda n: self._post(n, observed_on, pace), range(self.total)))
        return time.monotonic() - started

    def _pace(self, pace: threading.Semaphore) -> None:
        for n in range(self.total):
            if n == self.hold_back_from:
                self.faults_done.wait()
            pace.release()
            time.sleep(1 / self.rate)

    def _post(self, n: int, observed_on: str, pace: threading.Semaphore) -> None:
        pace.acquire()
        headers = {"Idempotency-Key": f"production-check-{self.run_id}-{n}"}
        for _attempt in range(ATTEMPTS):
            outcome = self._try(n, observed_on, headers)
            if outcome is None:
                return
            with self._lock:
                self.refusals[outcome] += 1
            if outcome.startswith("HTTP 4") and outcome not in RETRYABLE:
                break  # the chain refused the signal itself: posting it again changes nothing
            time.sleep(0.5)
        with self._lock:
            self.gave_up.append(n)

    def _try(self, n: int, observed_on: str, headers: dict[str, str]) -> str | None:
        """None when accepted; otherwise what went wrong (posted again)."""
        try:
            answer = self.intake.post("/v1/signals", json=arrears(n, observed_on), headers=headers)
        except httpx.HTTPError as exc:
            return type(exc).__name__
        if answer.status_code in (200, 202):
            with self._lock:
                self.accepted[n] = answer.json()["id"]
            return None
        return f"HTTP {answer.status_code}"

    def wait_until(self, fraction: float) -> None:
        while len(self.accepted) < self.total * fraction and len(self.accepted) + len(self.gave_up) < self.total:
            time.sleep(0.2)
