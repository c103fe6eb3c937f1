"""The aiokafka adapter: idempotent producer, manually committed consumer groups."""

from __future__ import annotations

import asyncio
import logging
from typing import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CommitFailedError,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    TopicAlreadyExistsError,
    UnknownProducerId,
    for_code,
)

from shared.bus.port import BatchHandler, OutgoingRecord, Record
from shared.bus.topic_plan import TopicSpec

log = logging.getLogger(__name__)
FETCH_MAX_RECORDS = 500  # per fetch, over all partitions: one batch, one transaction
LINGER_BYTES = 256 * 1024  # a lingering consumer's fetch returns early once this much has come (about FETCH_MAX_RECORDS)
# The most a fetch brings of one partition (a larger record still comes, alone). aiokafka keeps
# what a fetch brought of every partition until it is handed over. A lingering consumer reads
# many partitions (the monitor reads every topic) and falls behind by design: at the default
# it held a MiB of each, and its memory grew with the month's size. Consumers on a signal's
# way read a topic or two and keep the default, which costs them fewer fetches (docs/adr/0060).
LINGERING_PARTITION_FETCH_BYTES = 256 * 1024
PARTITION_FETCH_BYTES = 1024 * 1024  # aiokafka's default
STOP_GRACE_SECONDS = 10.0  # at shutdown, for the batches in hand to finish and commit
REVOKE_GRACE_SECONDS = 2.0  # at a rebalance, likewise, before a held partition is let go
PRODUCER_STOP_SECONDS = 10.0  # for a producer being replaced to let go of what it still holds
# Answers after which this producer cannot write a partition again: its sequence numbers or its
# id are out of step with the broker's. Java's client bumps its epoch and goes on; aiokafka
# does not, and every later record of the partition fails the same way (aio-libs/aiokafka#1017).
PRODUCER_OUT_OF_STEP = (OutOfOrderSequenceNumber, UnknownProducerId, InvalidProducerEpoch, InvalidProducerIdMapping, ProducerFenced)


class KafkaBus:
    def __init__(self, bootstrap_servers: str, *, client_id: str, linger_ms: int = 2):
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._linger_ms = linger_ms
        self._producer: AIOKafkaProducer | None = None
        self._consumers: dict[str, AIOKafkaConsumer] = {}
        self.assigned = asyncio.Event()
        self._started = False

    async def start(self) -> None:
        self._started = True
        await self._start_producer()

    async def _start_producer(self) -> None:
        producer = self._new_producer()
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise  # no broker answers: the next publish tries again
        self._producer = producer

    def _new_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self._bootstrap,
            client_id=self._client_id,
            # acks=all: acknowledged once every in-sync replica has the record (at least the topic's
            # min.insync.replicas); idempotence: a retry after a lost answer writes it once.
            acks="all",
            enable_idempotence=True,
            linger_ms=self._linger_ms,
            request_timeout_ms=15000,
        )

    async def stop(self) -> None:
        self._started = False
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        assert self._started, "bus not started"
        if self._producer is None or not _sending(self._producer):
            await self._replace_producer("its sender stopped")
        results = await self._send_all(records)
        out_of_step = next((error for error in results if isinstance(error, PRODUCER_OUT_OF_STEP)), None)
        if out_of_step is not None or not _sending(self._producer):
            # What failed stays in the outbox and leaves with the new producer (a new producer
            # id, sequences from zero); consumers drop a record they had by its CloudEvent id.
            try:
                await self._replace_producer(type(out_of_step).__name__ if out_of_step else "its sender stopped")
            except Exception as exc:  # noqa: BLE001 - these results stand; the next publish tries again
                log.warning("no new Kafka producer yet (%s)", type(exc).__name__)
        return results

    async def _replace_producer(self, reason: str) -> None:
        old, self._producer = self._producer, None
        if old is not None:
            log.warning("Kafka producer replaced: %s", reason)
            try:
                await asyncio.wait_for(old.stop(), PRODUCER_STOP_SECONDS)
            except Exception as exc:  # noqa: BLE001 - the old one is let go either way
                log.warning("the replaced Kafka producer did not stop cleanly (%s)", type(exc).__name__)
        await self._start_producer()

    async def _send_all(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        assert self._producer is not None
        futures: list[asyncio.Future | BaseException] = []
        for record in records:
            try:
                futures.append(
                    await self._producer.send(
                        record.topic, record.value, key=record.key.encode(), headers=list(record.headers)
                    )
                )
            except Exception as exc:  # noqa: BLE001 - reported per record to the caller
                futures.append(exc)
        results: list[BaseException | None] = []
        for future in futures:
            if isinstance(future, BaseException):
                results.append(future)
                continue
            try:
                await future
                results.append(None)
            except Exception as exc:  # noqa: BLE001
                results.append(exc)
        return results

    async def consume(
        self, topics: Sequence[str], group_id: str, handle: BatchHandler, stop: asyncio.Event, linger_ms: int = 0
    ) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            client_id=self._client_id,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # Lingering: the broker holds a fetch until LINGER_BYTES have come or linger_ms has passed.
            fetch_max_wait_ms=linger_ms or 100,
            fetch_min_bytes=LINGER_BYTES if linger_ms else 1,
            max_partition_fetch_bytes=LINGERING_PARTITION_FETCH_BYTES if linger_ms else PARTITION_FETCH_BYTES,
            max_poll_interval_ms=600000,
            session_timeout_ms=15000,
            heartbeat_interval_ms=1000,
        )
        work = PartitionWork(consumer, handle)
        consumer.subscribe(list(topics), listener=work)
        await consumer.start()
        self._consumers[group_id] = consumer
        fetching: asyncio.Future | None = None
        try:
            while not stop.is_set():
                # What a fetch returns is handled as one batch, each partition strictly in
                # order: one household's events stay ordered. Partitions with records in hand
                # are paused, so a later fetch returns the others' records (handled beside
                # them), and a batch held for a missing dependency waits as long as it takes
                # while polling (and membership) goes on. A batch that ends hands its
                # partitions back at once, not when the fetch in progress returns: with every
                # partition in hand that fetch waits its whole timeout (docs/adr/0050).
                if fetching is None:
                    fetching = asyncio.ensure_future(consumer.getmany(timeout_ms=200, max_records=FETCH_MAX_RECORDS))
                await asyncio.wait({fetching, *work.in_hand()}, return_when=asyncio.FIRST_COMPLETED)
                if fetching.done():
                    batches, fetching = fetching.result(), None
                    if consumer.assignment():
                        self.assigned.set()
                    work.start(batches)
                work.reap()
        finally:
            if fetching is not None:
                fetching.cancel()  # only at a stop: records it had not handed over stay uncommitted, and replay
                await asyncio.gather(fetching, return_exceptions=True)
            await work.finish(STOP_GRACE_SECONDS)
            self._consumers.pop(group_id, None)
            await consumer.stop()

    def assigned_partitions(self) -> dict[str, int]:
        return {group_id: len(consumer.assignment()) for group_id, consumer in list(self._consumers.items())}

    async def lag(self) -> dict[str, int]:
        """Records fetched-but-unhandled or not yet fetched, per consumer group (high-water mark
        minus position, from the last fetch), for operators and the readiness of a backlog."""
        lags: dict[str, int] = {}
        for group_id, consumer in list(self._consumers.items()):
            total = 0
            for partition in consumer.assignment():
                highwater = consumer.highwater(partition)
                if highwater is None:
                    continue
                try:
                    total += max(highwater - await consumer.position(partition), 0)
                except Exception:  # noqa: BLE001 - the partition moved during a rebalance
                    continue
            lags[group_id] = total
        return lags

    async def ensure_topics(self, topics: Sequence[TopicSpec | str], partitions: int = 6) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id=self._client_id)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            missing = [_new_topic(topic, partitions) for topic in topics]
            missing = [topic for topic in missing if topic.name not in existing]
            if missing:
                try:
                    answer = await admin.create_topics(missing)
                except TopicAlreadyExistsError:
                    return  # another service created them in the meantime
                _raise_creation_errors(answer)
        finally:
            await admin.close()


def _sending(producer: AIOKafkaProducer) -> bool:
    """Whether the producer's sender still runs. When it stopped on an error, aiokafka failed
    what it held, but a record handed to it afterwards would wait for ever."""
    task = getattr(getattr(producer, "_sender", None), "sender_task", None)  # no public accessor
    return task is None or not task.done()


def _new_topic(topic: TopicSpec | str, partitions: int) -> NewTopic:
    if isinstance(topic, TopicSpec):
        return NewTopic(topic.name, topic.partitions, topic.replication, topic_configs=topic.configs())
    return NewTopic(topic, partitions, 1)


def _raise_creation_errors(answer) -> None:
    """The broker answers per topic; a topic it refused (a replication factor above the
    number of brokers, say) must stop the service, not leave it consuming nothing."""
    refused = [
        f"{topic}: {for_code(code).__name__}{f' ({message[0]})' if message and message[0] else ''}"
        for topic, code, *message in answer.topic_errors
        if code not in (0, TopicAlreadyExistsError.errno)
    ]
    if refused:
        raise RuntimeError(f"Kafka refused to create topics (SIGNAL_TOPIC_REPLICATION vs brokers?): {'; '.join(refused)}")


async def _commit(consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
    try:
        await consumer.commit(offsets)
    except CommitFailedError:
        # A partition moved to another member during a rebalance; it will replay
        # these records and the processed-event table makes that harmless.
        log.info("commit for %s lost to a rebalance; records will be replayed", sorted(map(str, offsets)))
    except KafkaError as exc:
        # The broker is away: the next commit of these partitions covers these records;
        # a restart before it replays them, harmlessly.
        log.warning("commit for %s failed (%s); the next commit covers it", sorted(map(str, offsets)), type(exc).__name__)


class PartitionWork(ConsumerRebalanceListener):
    """One task per fetch: the records of every partition the fetch returned, handled as one
    batch, those partitions paused meanwhile.

    One batch for the whole fetch, not one per partition: at a steady trickle a fetch holds
    a record or two of several partitions, and each batch costs a transaction and a commit
    of its own (docs/adr/0047). Order is kept where it matters: each partition's records
    stay in order (one household's events share a partition), and a partition is in one
    task at a time. A fetch while a task runs returns only the other partitions' records,
    which go in a task of their own beside it.

    A task handles its records, then commits every partition's offset in one request. When
    it ends, its partitions resume. A task cancelled at a rebalance (held for a dependency
    past the grace) commits nothing: its partitions that were taken away replay at their
    new owner, and those this member keeps are moved back to the task's first record, so
    they replay here. A task that fails (a bug: EventConsumer itself raises only when the
    service stops) makes `consume` raise after the others finished, so its worker restarts
    from the committed offsets."""

    def __init__(self, consumer: AIOKafkaConsumer, handle: BatchHandler):
        self._consumer = consumer
        self._handle = handle
        self._tasks: dict[TopicPartition, asyncio.Task] = {}  # a partition in hand -> the task handling it
        self._starts: dict[asyncio.Task, dict[TopicPartition, int]] = {}  # a task -> its partitions' first offsets

    def start(self, batches: dict[TopicPartition, list]) -> None:
        """Handle what one fetch returned, as one batch."""
        if not batches:
            return
        for partition in batches:
            self._consumer.pause(partition)
        task = asyncio.create_task(self._run(batches))
        self._starts[task] = {partition: records[0].offset for partition, records in batches.items()}
        for partition in batches:
            self._tasks[partition] = task

    async def _run(self, batches: dict[TopicPartition, list]) -> None:
        await self._handle([_record(raw) for records in batches.values() for raw in records])
        await _commit(self._consumer, {partition: records[-1].offset + 1 for partition, records in batches.items()})

    def in_hand(self) -> set[asyncio.Task]:
        """The batches being handled."""
        return set(self._tasks.values())

    def reap(self) -> None:
        failed: BaseException | None = None
        for task in {task for task in self._tasks.values() if task.done()}:
            starts = self._starts.pop(task, {})
            unfinished = task.cancelled() or task.exception() is not None
            failed = failed or (task.exception() if not task.cancelled() else None)
            for partition, first in starts.items():
                if self._tasks.get(partition) is not task:
                    continue
                del self._tasks[partition]
                if partition in self._consumer.assignment():
                    if unfinished:
                        self._consumer.seek(partition, first)  # nothing of it was committed: again from its first record
                    self._consumer.resume(partition)
        if failed is not None:
            raise failed

    async def finish(self, grace: float) -> None:
        """Let the tasks in hand finish (a held one stops at once when the service stops), then cancel."""
        await _settle(list(set(self._tasks.values())), grace)
        self._tasks.clear()
        self._starts.clear()

    async def on_partitions_revoked(self, revoked) -> None:
        # Finish quickly what is in hand (its commit still counts); a task held for a missing
        # dependency is cancelled, uncommitted: the partitions taken away replay at their new
        # owner, the ones kept replay here (`reap` moves them back).
        tasks = {self._tasks[partition] for partition in revoked if partition in self._tasks}
        await _settle(list(tasks), REVOKE_GRACE_SECONDS)
        for partition in revoked:
            self._tasks.pop(partition, None)
        for task in tasks - set(self._tasks.values()):
            self._starts.pop(task, None)  # none of its partitions is here any more

    async def on_partitions_assigned(self, assigned) -> None:
        return None


async def _settle(tasks: list[asyncio.Task], grace: float) -> None:
    if not tasks:
        return
    _done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _record(raw) -> Record:
    return Record(
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        key=raw.key,
        value=raw.value,
        headers=tuple(raw.headers or ()),
    )
