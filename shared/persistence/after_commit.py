"""Wake a worker once the transaction that gave it work has committed, not before.

A worker that reads what a transaction wrote (the outbox relay its events, the deliverer
its deliveries) finds nothing when woken before the commit, and then sleeps its whole
idle interval. `after_commit(session, wake)` calls `wake()` right after the outermost
transaction of `session` commits; a rollback forgets it. Each callable is called once per
commit, however often it was registered in that transaction.

Sessions come from `shared.persistence.database.session_factory` (AppendingSession); any
other session is refused rather than never wake the worker.
"""

from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from shared.persistence.appends import AppendingSession

log = logging.getLogger(__name__)
_CALLBACKS = "after commit"  # key in Session.info: {callback: None}, in registration order


def after_commit(session, callback: Callable[[], None]) -> None:
    """Call `callback()` once the outermost transaction of `session` has committed."""
    sync = getattr(session, "sync_session", session)
    if not isinstance(sync, AppendingSession):
        raise TypeError("after_commit needs a session from shared.persistence.database.session_factory")
    sync.info.setdefault(_CALLBACKS, {})[callback] = None


@event.listens_for(AppendingSession, "after_commit")
def _call_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer transaction may still roll back
        return
    for callback in session.info.pop(_CALLBACKS, {}):
        try:
            callback()
        except Exception:  # noqa: BLE001 - the commit stands; the worker's own poll finds the work
            log.exception("after-commit callback failed")


@event.listens_for(AppendingSession, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction) -> None:
    if transaction.parent is None:  # committed (called already) or rolled back: nothing left to wake
        session.info.pop(_CALLBACKS, None)
