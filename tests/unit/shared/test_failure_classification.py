"""Which failures pass and which never will (shared.faults.classify)."""

import asyncio
import sqlite3

import asyncpg
import httpx
import pytest
from aiokafka import errors as kafka_errors
from sqlalchemy import exc as sql_errors
from sqlalchemy import text

from services.triage.brp.client import RegisterRequestRejected, RegisterUnavailable
from shared.bus.consumer import Unprocessable
from shared.contracts.envelope import ContractError, decode
from shared.faults import Dependency, FailureKind, classify
from shared.persistence.database import create_engine
from tests.support.processes import free_port


def wrapped(orig: BaseException, kind=sql_errors.DBAPIError, **options) -> BaseException:
    """As SQLAlchemy raises a driver's error: its own class, the driver's error as `orig`."""
    return kind("SELECT 1", {}, orig, **options)


@pytest.mark.parametrize(
    "error, dependency",
    [
        (ConnectionRefusedError(111, "Connect call failed"), Dependency.NETWORK),
        (TimeoutError(), Dependency.NETWORK),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"), Dependency.DATABASE),
        (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), Dependency.DATABASE),
        (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), Dependency.DATABASE),
        (asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"), Dependency.DATABASE),
        (wrapped(asyncpg.exceptions.SerializationError("could not serialize access")), Dependency.DATABASE),
        (wrapped(asyncpg.exceptions.DeadlockDetectedError("deadlock detected")), Dependency.DATABASE),
        (wrapped(Exception("server closed the connection"), connection_invalidated=True), Dependency.DATABASE),
        (wrapped(sqlite3.OperationalError("database is locked"), sql_errors.OperationalError), Dependency.DATABASE),
        (sql_errors.TimeoutError("QueuePool limit reached"), Dependency.DATABASE),
        (RegisterUnavailable("ZoekMetAdresseerbaarObjectIdentificatie", 3, "ConnectTimeout"), Dependency.REGISTER),
        (kafka_errors.KafkaConnectionError("no broker"), Dependency.BROKER),
        (kafka_errors.KafkaTimeoutError(), Dependency.BROKER),
        (kafka_errors.NotLeaderForPartitionError(), Dependency.BROKER),
        (httpx.ConnectError("refused"), Dependency.NETWORK),
    ],
)
def test_a_dependency_away_or_busy_is_transient(error, dependency):
    verdict = classify(error)
    assert verdict.kind is FailureKind.TRANSIENT and verdict.dependency is dependency


@pytest.mark.parametrize(
    "error",
    [Unprocessable("seal cannot be opened"), ContractError("not JSON")],
)
def test_an_event_that_breaks_its_contract_is_poison(error):
    assert classify(error).kind is FailureKind.POISON


@pytest.mark.parametrize(
    "error",
    [
        OverflowError("date value out of range"),
        KeyError("recipient"),
        wrapped(asyncpg.exceptions.UniqueViolationError("duplicate key"), sql_errors.IntegrityError),
        wrapped(asyncpg.exceptions.UndefinedColumnError("column does not exist"), sql_errors.ProgrammingError),
        RegisterRequestRejected(400, {"code": "paramsValidation"}),
        kafka_errors.RecordTooLargeError(),
    ],
)
def test_everything_else_is_unknown_not_transient(error):
    assert classify(error).kind is FailureKind.UNKNOWN


def test_the_cause_chain_decides_and_the_nearest_verdict_wins():
    try:
        try:
            raise ConnectionResetError(104, "Connection reset by peer")
        except ConnectionResetError as reset:
            raise RuntimeError("while storing the case") from reset
    except RuntimeError as outer:
        assert classify(outer).transient
    try:
        try:
            raise ConnectionResetError(104, "reset")
        except ConnectionResetError:
            raise Unprocessable("seal cannot be opened")  # noqa: B904 - the context must not make it transient
    except Unprocessable as poison:
        assert classify(poison).kind is FailureKind.POISON


def test_a_contract_error_from_decoding_is_poison():
    with pytest.raises(ContractError) as raised:
        decode(b"{not json")
    assert classify(raised.value).kind is FailureKind.POISON


async def test_a_refused_database_connection_is_named_the_database_by_where_it_came_from():
    engine = create_engine(f"postgresql+asyncpg://signal:signal@127.0.0.1:{free_port()}/nothing")
    try:
        with pytest.raises(OSError) as raised:
            async with asyncio.timeout(10), engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    verdict = classify(raised.value)
    assert verdict.transient and verdict.dependency is Dependency.DATABASE, verdict
