"""How long the intake keeps what identifies a dwelling (pure).

The sealed address of a signal is the only identifying data the intake holds. It is
removed a fixed time after the last signal about the same dwelling: 12 months when the
case ended without an eviction, 24 months when the household was evicted (defaults;
set per deployment). What the chain counts does not depend on it, so the monitor's
figures and the signal's type, dates and routing survive the purge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.retention import months_after


@dataclass(frozen=True)
class RetentionPolicy:
    months_without_eviction: int = 12
    months_after_eviction: int = 24

    def rule(self, evicted: bool) -> str:
        return "evicted" if evicted else "closed_without_eviction"

    def purge_after(self, last_signal_at: datetime, evicted: bool) -> datetime:
        return months_after(last_signal_at, self.months_after_eviction if evicted else self.months_without_eviction)
