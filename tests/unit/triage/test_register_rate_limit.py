from services.triage.rate_limit import RateLimiter


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


async def test_requests_beyond_the_burst_wait_for_their_turn():
    clock = FakeTime()
    limiter = RateLimiter(rate=10, burst=2, now=lambda: clock.now, sleep=clock.sleep)
    for _ in range(5):
        await limiter.acquire()
    assert clock.slept == [0.1, 0.1, 0.1], "two at once, then one every 1/10 s"


async def test_a_quiet_spell_refills_the_burst_but_no_more():
    clock = FakeTime()
    limiter = RateLimiter(rate=10, burst=2, now=lambda: clock.now, sleep=clock.sleep)
    await limiter.acquire()
    await limiter.acquire()
    clock.now += 60
    await limiter.acquire()
    await limiter.acquire()
    await limiter.acquire()
    assert clock.slept == [0.1]
