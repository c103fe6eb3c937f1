"""The triage service: knows the household behind a signal, who must act, and
whether they did (feedback, deadlines, reminders and escalations)."""

from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from shared import http
from shared.contracts import topics
from shared.runtime import Runtime, serve
from services.triage.alerting import Alerter
from services.triage.api import router
from services.triage.rate_limit import RateLimiter
from services.triage.assessment import HouseholdLookup
from services.triage.brp.bewoning import HaalCentraalBewoningClient
from services.triage.brp.client import HaalCentraalBrpClient
from services.triage.commands import router as commands_router
from services.triage.composition import CompositionDesk
from services.triage.eviction_watch import EvictionWatch
from services.triage.feedback import FeedbackDesk
from services.triage.handlers import PlacementFollowUp, SignalTriage
from services.triage.rules import RuleSet, load_rules
from services.triage.settings import TriageSettings
from services.triage.tables import METADATA
from services.triage.timers import DeadlineTimers

SIGNALS_CONSUMER = "triage"
PLACEMENT_CONSUMER = "triage-placement"


def create_app(
    runtime: Runtime, *, lookup: HouseholdLookup | None = None, rules: RuleSet | None = None
) -> FastAPI:
    settings: TriageSettings = runtime.settings
    rules = rules or load_rules(settings.rules_file, runtime.organisations)
    lookup = lookup or _register_lookup(settings)
    alerter = Alerter(runtime, rules.yearly_capacity)
    watch = EvictionWatch(runtime, rules, alerter, settings.urgent_window_days)
    triage_handlers = SignalTriage(runtime, lookup, rules, alerter, watch)
    triage = runtime.consumer(SIGNALS_CONSUMER, triage_handlers.handlers())
    follow_up = runtime.consumer(PLACEMENT_CONSUMER, PlacementFollowUp(runtime).handlers())
    timers = DeadlineTimers(runtime, rules, alerter, watch, timedelta(days=settings.report_escalation_days))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            runtime.consume_worker(triage, [topics.SIGNALS], SIGNALS_CONSUMER),
            runtime.consume_worker(follow_up, [topics.PLACEMENT], PLACEMENT_CONSUMER),
            runtime.timer("deadlines", timers.check, settings.timer_interval_seconds),
        ]
        try:
            async with serve(runtime, tables=[METADATA], workers=workers):
                yield
        finally:
            await lookup.aclose()

    return http.service_app(
        runtime,
        title="triage",
        summary="One case per household: who lives there, who must act, why, and whether they did.",
        version="1.1.0",
        lifespan=lifespan,
        routers=[router, commands_router],
        rules=rules,
        timers=timers,
        feedback_desk=FeedbackDesk(runtime, rules, alerter),
        composition_desk=CompositionDesk(runtime, rules, alerter, watch),
    )


def _register_lookup(settings: TriageSettings) -> HouseholdLookup:
    options = {
        "api_key": settings.register_api_key.get_secret_value() if settings.register_api_key else None,
        "timeout": settings.register_timeout_seconds,
        "attempts": settings.register_attempts,
    }
    bewoning_url = settings.bewoning_base_url()
    return HouseholdLookup(
        HaalCentraalBrpClient(settings.register_url, **options),
        bewoning=HaalCentraalBewoningClient(bewoning_url, **options) if bewoning_url else None,
        cache_seconds=settings.register_cache_seconds,
        rate_limiter=RateLimiter(settings.register_requests_per_second, settings.register_burst),
    )
