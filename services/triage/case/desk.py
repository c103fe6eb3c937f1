"""What a use case that routes a case needs: the runtime (clock, outbox, organisations),
the routing rules (the file's, and the book of each municipality's published version), the alerter, the eviction watch and the shelter requests. A
partner's signal (case.signal) and a team's correction (case.correction) both route."""

from __future__ import annotations

from dataclasses import dataclass

from shared.runtime import Runtime
from services.triage.alerting import Alerter
from services.triage.case.placement import PlacementAsker
from services.triage.eviction_watch import EvictionWatch
from services.triage.rules import RuleSet
from services.triage.rules.versions import RulesBook


@dataclass(frozen=True)
class CaseDesk:
    runtime: Runtime
    rules: RuleSet
    alerter: Alerter
    watch: EvictionWatch
    placement: PlacementAsker
    book: RulesBook  # the rules in effect per municipality: its published version, then the fallback
