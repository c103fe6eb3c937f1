"""The triage service: knows the household behind a signal, who must act, and
whether they did (feedback, deadlines, reminders and escalations).

The composition root: the use cases get their parts here, the Kafka handlers their
use cases (services.triage.handlers), the routes theirs through `app.state`.
"""

from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI

from shared import http
from shared.client_credentials import ClientCredentialsTokens
from shared.event_handlers import bind, consume_workers
from shared.runtime import Runtime, serve
from shared.retention import retention_worker
from shared.retention import router as retention_router
from services.triage.alerting import Alerter
from services.triage.api import router
from services.triage.rate_limit import RateLimiter
from services.triage.assessment import HouseholdLookup
from services.triage.brp.bewoning import HaalCentraalBewoningClient
from services.triage.brp.client import HaalCentraalBrpClient
from services.triage.brp.persons import PersonPseudonyms
from services.triage.case.correction import CompositionDesk
from services.triage.case.looking import SignalLookup
from services.triage.case.placement import PlacementAsker, PlacementNews
from services.triage.case.signal import SignalTriage
from services.triage.commands import router as commands_router
from services.triage.districts import load_postcode_areas
from services.triage.eviction_watch import EvictionWatch
from services.triage.feedback import FeedbackDesk
from services.triage.follow_up import FollowUps
from services.triage.handlers import CONSUMERS, EVENT_HANDLERS, UseCases
from services.triage.retention import RETENTION_JOB, triage_sweeps
from services.triage.rules import RuleSet, load_rules
from services.triage.rules.versions import RulesBook
from services.triage.rules_api import router as rules_router
from services.triage.settings import TriageSettings
from services.triage.case.safety_net import SafetyNetDesk
from services.triage.tables import METADATA
from services.triage.timers import DeadlineTimers


@dataclass(frozen=True)
class Parts:
    """What the service is made of, wired once."""

    use_cases: UseCases
    timers: DeadlineTimers
    follow_ups: FollowUps
    feedback_desk: FeedbackDesk
    composition_desk: CompositionDesk
    safety_net_desk: SafetyNetDesk


def create_app(
    runtime: Runtime, *, lookup: HouseholdLookup | None = None, rules: RuleSet | None = None
) -> FastAPI:
    settings: TriageSettings = runtime.settings
    rules = rules or load_rules(settings.rules_file, runtime.organisations)
    lookup = lookup or _register_lookup(settings)
    book = RulesBook(rules)
    parts = _parts(runtime, settings, rules, book, lookup)
    handlers = bind(EVENT_HANDLERS, CONSUMERS, lambda handler: handler(parts.use_cases))
    consumers = consume_workers(runtime, CONSUMERS, handlers)

    async def seed():
        await book.seed_from_file(runtime.sessions, runtime.clock.now())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            *consumers,
            runtime.timer("deadlines", parts.timers.check, settings.timer_interval_seconds),
            runtime.timer("follow-ups", parts.follow_ups.close_due, settings.timer_interval_seconds),
            retention_worker(runtime, RETENTION_JOB, triage_sweeps(settings.retention_months), settings.retention_interval_seconds),
        ]
        try:
            async with serve(runtime, tables=[METADATA], workers=workers, on_start=seed):
                yield
        finally:
            await lookup.aclose()

    return http.service_app(
        runtime,
        title="triage",
        summary="One case per household: who lives there, who must act, why, and whether they did.",
        version="1.1.0",
        lifespan=lifespan,
        routers=[router, commands_router, rules_router, retention_router],
        rules=rules,
        rules_book=book,
        timers=parts.timers,
        follow_ups=parts.follow_ups,
        feedback_desk=parts.feedback_desk,
        composition_desk=parts.composition_desk,
        safety_net_desk=parts.safety_net_desk,
    )


def _parts(runtime: Runtime, settings: TriageSettings, rules: RuleSet, book: RulesBook, lookup: HouseholdLookup) -> Parts:
    follow_ups = FollowUps(runtime, settings.follow_up_months)
    alerter = Alerter(runtime, rules.yearly_capacity, follow_ups)
    watch = EvictionWatch(runtime, rules, alerter, settings.urgent_window_days)
    placement = PlacementAsker(runtime, rules)
    use_cases = UseCases(
        lookup=SignalLookup(runtime.address_seal, lookup, load_postcode_areas(settings.district_files)),
        triage=SignalTriage(runtime, rules, alerter, watch, placement, book),
        placement_news=PlacementNews(runtime),
    )
    return Parts(
        use_cases=use_cases,
        timers=DeadlineTimers(runtime, rules, alerter, watch, timedelta(days=settings.report_escalation_days)),
        follow_ups=follow_ups,
        feedback_desk=FeedbackDesk(runtime, alerter, book),
        composition_desk=CompositionDesk(runtime, rules, alerter, watch, placement, book),
        safety_net_desk=SafetyNetDesk(runtime),
    )


def _register_lookup(settings: TriageSettings) -> HouseholdLookup:
    credentials = settings.register_credentials
    options = {
        "api_key": settings.register_api_key.get_secret_value() if settings.register_api_key and not credentials else None,
        "tokens": ClientCredentialsTokens(credentials) if credentials else None,
        "timeout": settings.register_timeout_seconds,
        "attempts": settings.register_attempts,
        "protocol": settings.register_protocol,
        "persons": PersonPseudonyms(settings.person_key.get_secret_value().encode()),
    }
    bewoning_url = settings.bewoning_base_url()
    return HouseholdLookup(
        HaalCentraalBrpClient(settings.register_url, **options),
        bewoning=HaalCentraalBewoningClient(bewoning_url, **options) if bewoning_url else None,
        cache_seconds=settings.register_cache_seconds,
        rate_limiter=RateLimiter(settings.register_requests_per_second, settings.register_burst),
    )
