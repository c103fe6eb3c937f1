"""A processing activity: what the audit rows and the register's protocol name as the
purpose of a read of personal data (AVG art. 30; Logboek Dataverwerkingen)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProcessingActivity:
    """A processing activity of the register of processing activities."""

    id: str  # a URI: Logboek Dataverwerkingen's dpl.core.processing_activity_id
    legal_basis: str
