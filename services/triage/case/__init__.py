"""The household's case: one per dwelling, and everything that changes it.

The use cases, each in its own module: a partner's signal (`looking` before the
transaction, `signal` in it), a team's correction of who lives there (`correction`),
placement's news (`placement`). The rules they apply to the case row: which case
(`keys`), who lives there (`household`), stage, state and episode (`progress`), and
the facts routing may know (`facts`). The states and their transitions table are
in services.triage.domain.case; the timeline's kinds in services.triage.domain.timeline.
"""
