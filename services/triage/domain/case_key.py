"""Which case a signal belongs to: the joining rule for signals without a BAG id.

The intake keys a signal on the dwelling's BAG id, or, when the partner gave
only postcode and house number, on that postcode address. Both are pseudonyms
(shared.privacy). Triage asks the register for the BAG id behind a postcode
address; once it knows it, the signal joins the BAG-keyed case of the dwelling,
so one household has one case (one timeline, one repeats guard) however the
partners addressed it. The link (postcode key -> case key) is remembered as an
alias, so later signals on the postcode key join too, even when the register
is away. Nothing is known: the signal stays on its own postcode key.

Pure: no I/O. The caller computes the dwelling's key with the pseudonym key.
"""

from __future__ import annotations

from dataclasses import dataclass

BY_DWELLING = "dwelling"  # the signal's own key is the BAG key, or the register told the BAG id now
BY_ALIAS = "alias"  # the register told it earlier for this postcode address
OWN_KEY = "own_key"  # nothing known: the postcode-keyed case


@dataclass(frozen=True)
class CaseKeyChoice:
    case_key: str
    how: str
    new_alias: bool = False  # record signal_key -> case_key now


def choose_case_key(signal_key: str, dwelling_key: str | None, known_alias: str | None) -> CaseKeyChoice:
    """signal_key: the event's subject; dwelling_key: the BAG-keyed pseudonym, when known
    now; known_alias: the case an earlier lookup joined this signal_key to."""
    if dwelling_key is not None:
        return CaseKeyChoice(dwelling_key, BY_DWELLING, new_alias=dwelling_key != signal_key and known_alias != dwelling_key)
    if known_alias is not None:
        return CaseKeyChoice(known_alias, BY_ALIAS)
    return CaseKeyChoice(signal_key, OWN_KEY)
