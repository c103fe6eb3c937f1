"""What kind of failure is this? The one decision every worker makes when something fails.

- TRANSIENT: a dependency is away or busy (the database, the register, the broker;
  a refused or dropped connection, a timeout, a serialization or deadlock conflict).
  It will pass: hold the work, retry with capped backoff for as long as it takes,
  never dead-letter it, and say "not ready" meanwhile.
- POISON: the event itself can never be handled (it breaks its contract, or
  `Unprocessable` says so). Retrying cannot help: dead-letter it at once.
- UNKNOWN: anything else, usually a bug. See docs/adr/0025-transient-is-not-poison.md
  for what the consumer does with it (a few retries; then dead-letter only when the
  service's own database answers, else hold as transient).

Pure: looks only at the exception, its cause chain and the modules its traceback
passed through; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Iterator

import httpx
from aiokafka import errors as kafka_errors
from sqlalchemy import exc as sql_errors

from shared.contracts.envelope import ContractError


class FailureKind(StrEnum):
    TRANSIENT = "transient"
    POISON = "poison"
    UNKNOWN = "unknown"


class Dependency(StrEnum):
    DATABASE = "database"
    REGISTER = "register"
    BROKER = "broker"
    NETWORK = "network"  # a connection failed and nothing tells whose it was


@dataclass(frozen=True)
class Verdict:
    kind: FailureKind
    dependency: Dependency | None = None
    reason: str = ""

    @property
    def transient(self) -> bool:
        return self.kind is FailureKind.TRANSIENT


class TransientFailure(Exception):
    """Raised by our own clients when a dependency is away: the caller should hold and retry."""

    dependency: Dependency = Dependency.NETWORK


class PoisonFailure(Exception):
    """Raised for input that can never be handled, whatever is retried."""


# SQLSTATE classes and codes that pass: connection (08), transaction rollback
# (40001 serialization, 40P01 deadlock), insufficient resources (53), operator
# intervention (57: admin/crash shutdown, cannot connect now, statement timeout),
# system error (58), lock not available (55P03).
_TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57", "58")
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_DEPENDENCY_BY_MODULE = (
    ("asyncpg", Dependency.DATABASE),
    ("sqlalchemy", Dependency.DATABASE),
    ("aiosqlite", Dependency.DATABASE),
    ("sqlite3", Dependency.DATABASE),
    ("aiokafka", Dependency.BROKER),
    ("httpx", Dependency.NETWORK),
    ("httpcore", Dependency.NETWORK),
)


def classify(error: BaseException) -> Verdict:
    """TRANSIENT, POISON or UNKNOWN, with the dependency that failed when it is transient."""
    chain = list(_chain(error))
    for link in chain:  # the error itself first, then what caused it: the nearest verdict wins
        if isinstance(link, (PoisonFailure, ContractError)):
            return Verdict(FailureKind.POISON, reason=_describe(link))
        dependency = _transient_dependency(link)
        if dependency is not None:
            if dependency is Dependency.NETWORK:
                dependency = _dependency_from_traceback(chain)
            return Verdict(FailureKind.TRANSIENT, dependency, _describe(link))
    return Verdict(FailureKind.UNKNOWN, reason=_describe(error))


def _transient_dependency(error: BaseException) -> Dependency | None:
    if isinstance(error, TransientFailure):
        return error.dependency
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and (sqlstate[:2] in _TRANSIENT_SQLSTATE_CLASSES or sqlstate in _TRANSIENT_SQLSTATES):
        return Dependency.DATABASE
    if _is_sqlalchemy_transient(error):
        return Dependency.DATABASE
    if _is_kafka_transient(error):
        return Dependency.BROKER
    if isinstance(error, httpx.TransportError):
        return Dependency.NETWORK
    if isinstance(error, (OSError, TimeoutError)):  # refused, reset, unreachable, timed out
        return Dependency.NETWORK
    return None


def _is_sqlalchemy_transient(error: BaseException) -> bool:
    if isinstance(error, sql_errors.DBAPIError) and error.connection_invalidated:
        return True
    # OperationalError: SQLite's "database is locked", a PostgreSQL server gone;
    # InterfaceError: "connection is closed"; TimeoutError: no pooled connection came free.
    return isinstance(
        error, (sql_errors.OperationalError, sql_errors.InterfaceError, sql_errors.DisconnectionError, sql_errors.TimeoutError)
    )


def _is_kafka_transient(error: BaseException) -> bool:
    if not isinstance(error, kafka_errors.KafkaError):
        return False
    return bool(getattr(error, "retriable", False)) or isinstance(
        error, (kafka_errors.KafkaTimeoutError, kafka_errors.KafkaUnavailableError, kafka_errors.BrokerNotAvailableError)
    )


def _dependency_from_traceback(chain: list[BaseException]) -> Dependency:
    """A bare ConnectionRefusedError names no one: the code it came through does."""
    for link in chain:
        for module in _modules(link.__traceback__):
            for prefix, dependency in _DEPENDENCY_BY_MODULE:
                if module == prefix or module.startswith(prefix + "."):
                    return dependency
    return Dependency.NETWORK


def _modules(traceback: TracebackType | None) -> Iterator[str]:
    while traceback is not None:
        yield traceback.tb_frame.f_globals.get("__name__", "")
        traceback = traceback.tb_next


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what caused it (`__cause__`, `__context__`, a DBAPI error's `orig`), and so on."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(link for link in (getattr(current, "orig", None), current.__cause__, current.__context__) if isinstance(link, BaseException))


def _describe(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:300] if text else type(error).__name__
