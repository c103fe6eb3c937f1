"""Whom a shelter admits when it confirms a place: the whole family, or part of it
(partial placement: a father not admitted, §8.1 of the report). Counts only; pure.

A confirmation without counts admits everyone (as before partial placement existed).
At least one adult is admitted: a shelter does not take in children without a parent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Admission:
    adults_admitted: int
    children_admitted: int
    adults_not_admitted: int
    children_not_admitted: int

    @property
    def partial(self) -> bool:
        return self.adults_not_admitted + self.children_not_admitted > 0


class AdmissionProblem(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def admission(adults: int, children: int, adults_admitted: int | None = None, children_admitted: int | None = None) -> Admission:
    """Who is admitted of a family of `adults` and `children`; None: all of them.
    AdmissionProblem names the field that does not fit the family."""
    admitted_adults = adults if adults_admitted is None else adults_admitted
    admitted_children = children if children_admitted is None else children_admitted
    if admitted_adults > adults:
        raise AdmissionProblem("adults_admitted", f"the family has {adults} adult(s); no more can be admitted")
    if admitted_children > children:
        raise AdmissionProblem("children_admitted", f"the family has {children} child(ren); no more can be admitted")
    if admitted_adults < 1:
        raise AdmissionProblem("adults_admitted", "at least one adult is admitted: a shelter does not take in children alone")
    return Admission(admitted_adults, admitted_children, adults - admitted_adults, children - admitted_children)


def rest_admitted(adults: int, children: int, adults_admitted: int | None, children_admitted: int | None) -> Admission:
    """The whole family, once a shelter admits the persons of a partial placement it had not
    admitted; AdmissionProblem when nobody was left out (nothing to admit)."""
    before = admission(adults, children, adults_admitted, children_admitted)
    if not before.partial:
        raise AdmissionProblem("status", "the whole family is admitted already")
    return admission(adults, children)
