"""Signals streamed into the intake at a steady rate, as partners post them: each one
retried (same Idempotency-Key) after a 503, honouring Retry-After, or a lost
connection, until the intake accepts it. Runs its own event loop in a thread.

At most CONCURRENCY posts are in flight, fewer than the client's connections: httpcore
1.0.9 can leak pool slots when requests time out while waiting for the pool
(encode/httpcore#1093), after which every request fails with PoolTimeout. Should the
pool still run dry, the client is replaced."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import httpx

ARREARS, FAMILY_FOUND = "arrears.reported", "eviction.family-found"
FAMILY_EVERY = 5  # one signal in five is a family found at the door: GGD, and a shelter request
MAX_RETRY_AFTER = 5.0
CONCURRENCY = 32
LIMITS = httpx.Limits(max_connections=CONCURRENCY * 2, max_keepalive_connections=CONCURRENCY)


@dataclass
class Posted:
    n: int
    kind: str
    dwelling: str
    first_attempt: float  # time.time()
    signal_id: str | None = None
    accepted_at: float | None = None
    refusals: Counter = field(default_factory=Counter)  # status code or error name -> times


def dwelling(base: int, n: int) -> str:
    return f"036301{base + n:010d}"  # Amsterdam; nobody registered there, so the register answers "no one"


def body(kind: str, address: str) -> dict:
    common = {"address": {"adresseerbaarObjectIdentificatie": address}, "observed_on": date.today().isoformat()}
    if kind == FAMILY_FOUND:
        return {"type": FAMILY_FOUND, "adults": 1, "children_ages": [4, 9], **common}
    return {"type": ARREARS, "months": 2, "amount_eur": "900.00", **common}


class SignalStream:
    def __init__(self, intake_url: str, *, total: int, seconds: float, run: str, base: int):
        self._url = intake_url
        self._total = total
        self._interval = seconds / total
        self._run = run
        self._base = base
        self.posted: list[Posted] = []
        self.rejected: list[tuple[Posted, int, str]] = []  # answered 4xx: never accepted
        self._client: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._post_all()), name=f"stream-{run}", daemon=True)

    def start(self) -> SignalStream:
        self._thread.start()
        return self

    def join(self, timeout: float) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def accepted(self) -> list[Posted]:
        return [posted for posted in self.posted if posted.signal_id is not None]

    async def _post_all(self) -> None:
        self._client = httpx.AsyncClient(base_url=self._url, timeout=15, limits=LIMITS)
        self._slots = asyncio.Semaphore(CONCURRENCY)
        try:
            start = time.monotonic()
            tasks = []
            for n in range(self._total):
                delay = start + n * self._interval - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                kind = FAMILY_FOUND if n % FAMILY_EVERY == FAMILY_EVERY - 1 else ARREARS
                posted = Posted(n, kind, dwelling(self._base, n), time.time())
                self.posted.append(posted)
                tasks.append(asyncio.create_task(self._post(posted)))
            await asyncio.gather(*tasks)
        finally:
            await self._client.aclose()

    async def _post(self, posted: Posted) -> None:
        organisation = "politie-amsterdam" if posted.kind == FAMILY_FOUND else "ymere"
        headers = {"X-API-Key": f"dev-{organisation}", "Idempotency-Key": f"{self._run}-{posted.n}"}
        while True:
            wait = 1.0
            client = self._client
            try:
                async with self._slots:
                    response = await client.post("/v1/signals", json=body(posted.kind, posted.dwelling), headers=headers)
            except httpx.PoolTimeout:
                posted.refusals["PoolTimeout"] += 1
                if client is self._client:  # once per spent client, not once per waiting post
                    await self._renew_client()
            except httpx.HTTPError as error:
                posted.refusals[type(error).__name__] += 1
            else:
                if response.status_code in (200, 202):
                    posted.signal_id, posted.accepted_at = response.json()["id"], time.time()
                    return
                posted.refusals[response.status_code] += 1
                if response.status_code < 500:
                    self.rejected.append((posted, response.status_code, response.text[:300]))
                    return
                wait = min(float(response.headers.get("Retry-After", "1")), MAX_RETRY_AFTER)
            await asyncio.sleep(wait)

    async def _renew_client(self) -> None:
        spent, self._client = self._client, httpx.AsyncClient(base_url=self._url, timeout=15, limits=LIMITS)
        await spent.aclose()
