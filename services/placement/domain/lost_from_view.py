"""When a waiting family counts as lost from view (docs/domain.md#lost-from-view).

A family on the waiting list, or the part of a family a shelter did not admit
(partly placed), that nobody reported on for `days` days: GGD must look for it. The alert fires once per silence: after it fired, only a new
update (an alternative recorded, an offer, a return to the list) starts a new
silence that can fire again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.placement.domain.request_status import KEPT_IN_VIEW, RequestStatus


def silence_cutoff(now: datetime, days: int) -> datetime:
    """Requests last updated at or before this moment have been silent long enough."""
    return now - timedelta(days=days)


def is_lost_from_view(
    status: RequestStatus, last_update_at: datetime, alerted_at: datetime | None, now: datetime, days: int
) -> bool:
    if status not in KEPT_IN_VIEW:
        return False
    if alerted_at is not None and alerted_at >= last_update_at:
        return False  # this silence was reported already
    return last_update_at <= silence_cutoff(now, days)


def days_without_update(last_update_at: datetime, now: datetime) -> int:
    return max((now - last_update_at).days, 0)
