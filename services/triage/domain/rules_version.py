"""A municipality's routing rules as versions: their states, the one table of allowed
transitions, and how a decision names the version that made it. Pure: no clock, no database.

A version is written as a draft, then published; publishing it supersedes the version
published before (exactly one published version per municipality). Nothing is deleted or
changed after publishing: every version that ever decided stays readable.
"""

from __future__ import annotations

from enum import StrEnum


class RulesVersionState(StrEnum):
    DRAFT = "draft"  # written, validated, not deciding anything yet
    PUBLISHED = "published"  # the version that decides the municipality's signals now
    SUPERSEDED = "superseded"  # decided until a later version was published; kept


V = RulesVersionState
ALLOWED_TRANSITIONS: dict[RulesVersionState, frozenset[RulesVersionState]] = {
    V.DRAFT: frozenset({V.PUBLISHED}),
    V.PUBLISHED: frozenset({V.SUPERSEDED}),
    V.SUPERSEDED: frozenset(),
}

FILE_VERSION = "rules file"  # how a decision by the rules file alone (no version yet) is named


def may_move(current: RulesVersionState, target: RulesVersionState) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def version_label(municipality_code: str, version: int | None) -> str:
    """What a decision's trace says about the rules it used: `0363 v3`, or the file's."""
    return f"{municipality_code} v{version}" if version is not None else f"{municipality_code} {FILE_VERSION}"
