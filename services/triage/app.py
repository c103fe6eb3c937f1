"""The triage service: knows the household behind a signal and who must act."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared import http
from shared.contracts import topics
from shared.runtime import Runtime, serve
from services.triage.api import router
from services.triage.assessment import HouseholdLookup
from services.triage.brp.client import HaalCentraalBrpClient
from services.triage.handlers import PlacementFollowUp, SignalTriage
from services.triage.rules import RuleSet, load_rules
from services.triage.settings import TriageSettings
from services.triage.tables import METADATA

SIGNALS_CONSUMER = "triage"
PLACEMENT_CONSUMER = "triage-placement"


def create_app(
    runtime: Runtime, *, lookup: HouseholdLookup | None = None, rules: RuleSet | None = None
) -> FastAPI:
    settings: TriageSettings = runtime.settings
    rules = rules or load_rules(settings.rules_file, runtime.organisations)
    lookup = lookup or HouseholdLookup(
        HaalCentraalBrpClient(
            settings.register_url,
            api_key=settings.register_api_key.get_secret_value() if settings.register_api_key else None,
            timeout=settings.register_timeout_seconds,
            attempts=settings.register_attempts,
        ),
        cache_seconds=settings.register_cache_seconds,
    )
    triage = runtime.consumer(SIGNALS_CONSUMER, SignalTriage(runtime, lookup, rules).handlers())
    follow_up = runtime.consumer(PLACEMENT_CONSUMER, PlacementFollowUp(runtime).handlers())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            runtime.consume_worker(triage, [topics.SIGNALS], SIGNALS_CONSUMER),
            runtime.consume_worker(follow_up, [topics.PLACEMENT], PLACEMENT_CONSUMER),
        ]
        try:
            async with serve(runtime, tables=[METADATA], workers=workers):
                yield
        finally:
            await lookup.aclose()

    app = FastAPI(
        title="Signal chain: triage",
        summary="One case per household: who lives there, who must act, and why.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.organisations = runtime.organisations
    http.install(app)
    app.include_router(router)
    return app
