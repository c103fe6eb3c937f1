from services.triage.domain.case import ALLOWED_TRANSITIONS, CaseState, implied_state, next_state


def test_every_state_has_its_transitions_listed():
    assert set(ALLOWED_TRANSITIONS) == set(CaseState)


def test_a_verdict_before_any_arrears_opens_the_case():
    assert next_state(None, implied_state("eviction.verdict-issued")) == (CaseState.SIGNALLED, True)


def test_an_outcome_without_a_schedule_still_moves_the_case():
    state, moved = next_state(CaseState.SIGNALLED, implied_state("eviction.executed", "evicted"))
    assert (state, moved) == (CaseState.AWAITING_PLACEMENT, True)


def test_a_late_arrears_signal_does_not_undo_a_placement():
    assert next_state(CaseState.PLACED, implied_state("arrears.reported")) == (CaseState.PLACED, False)


def test_a_family_gone_with_unknown_destination_is_lost_from_view():
    assert implied_state("eviction.executed", "left_unknown_destination") is CaseState.LOST_FROM_VIEW


def test_a_family_found_at_the_door_can_have_its_eviction_reversed():
    assert next_state(CaseState.AWAITING_PLACEMENT, implied_state("eviction.cancelled"), "eviction.cancelled") == (
        CaseState.RESOLVED,
        True,
    )


def test_a_family_found_at_the_door_whose_eviction_did_not_go_ahead_is_resolved():
    for outcome in ("paid_at_door", "not_executed"):
        target = implied_state("eviction.executed", outcome)
        assert next_state(CaseState.AWAITING_PLACEMENT, target, "eviction.executed") == (CaseState.RESOLVED, True)
    evicted = implied_state("eviction.executed", "evicted")
    assert next_state(CaseState.AWAITING_PLACEMENT, evicted, "eviction.executed") == (CaseState.AWAITING_PLACEMENT, True)


def test_arrears_paid_after_an_eviction_do_not_close_the_familys_case():
    resolved = implied_state("arrears.resolved")
    assert next_state(CaseState.AWAITING_PLACEMENT, resolved, "arrears.resolved") == (CaseState.AWAITING_PLACEMENT, False)
