"""The facade's request and response bodies, with the standard's field names and limits
(ZGW Notificaties API 1.0: `Kanaal`, `Abonnement`, `FilterGroup`; docs/standards/).

`auth` is write-only: accepted, stored, sent as the `Authorization` header of every
notificatie, and never shown again. `url` is read-only: a client that PUTs back what it
read may send it; it is ignored.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, UrlConstraints

from shared.contracts.fields import Text
from services.notifications.tables import Abonnement
from services.notifications.zgw.kanalen import InvalidParam, Kanaal, KENMERKEN, filter_group_problems
from services.notifications.zgw.notificatie import ResourceLinks

CallbackUrl = Annotated[AnyHttpUrl, UrlConstraints(max_length=200)]
Auth = Annotated[Text(1000, min_length=1), Field(description='the Authorization header value, e.g. "Bearer a4daa31..."')]
Filters = Annotated[
    dict[Text(100, min_length=1), Text(1000, min_length=1)],
    Field(max_length=len(KENMERKEN), description="kenmerk -> value (or '*'): casusPseudoniem, gemeentecode, gebeurtenis"),
]
ReadOnlyUrl = Annotated[Text(1000) | None, Field(description="read-only; ignored when sent")]


class FilterGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    naam: Text(50, min_length=1) = Field(description="the kanaal's naam")
    filters: Filters = {}


class AbonnementIn(BaseModel):
    """POST and PUT: the whole abonnement."""

    model_config = ConfigDict(extra="forbid")

    url: ReadOnlyUrl = None
    callbackUrl: CallbackUrl = Field(description="https in production, at an address the chain may send to")
    auth: Auth
    kanalen: list[FilterGroup] = Field(max_length=20)

    def problems(self) -> list[InvalidParam]:
        return kanalen_problems(self.kanalen)


class AbonnementPatch(BaseModel):
    """PATCH: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    url: ReadOnlyUrl = None
    callbackUrl: CallbackUrl | None = None
    auth: Auth | None = None
    kanalen: list[FilterGroup] | None = Field(None, max_length=20)

    def problems(self) -> list[InvalidParam]:
        unset = [
            InvalidParam(name, "null", "may not be null; leave the field out to keep it")
            for name in sorted(self.model_fields_set - {"url"})
            if getattr(self, name) is None
        ]
        return unset + kanalen_problems(self.kanalen or [])


def kanalen_problems(groups: list[FilterGroup]) -> list[InvalidParam]:
    return [problem for position, group in enumerate(groups) for problem in filter_group_problems(position, group.naam, group.filters)]


def stored_kanalen(groups: list[FilterGroup]) -> list[dict]:
    return [group.model_dump() for group in groups]


class AbonnementView(BaseModel):
    url: str
    callbackUrl: str
    kanalen: list[FilterGroup]

    @classmethod
    def of(cls, abonnement: Abonnement, links: ResourceLinks) -> AbonnementView:
        return cls(url=links.abonnement(abonnement.id), callbackUrl=abonnement.callback_url, kanalen=abonnement.kanalen)


class KanaalView(BaseModel):
    url: str
    naam: str
    documentatieLink: str
    filters: list[str] = Field(description="the kenmerken an abonnement may filter on")

    @classmethod
    def of(cls, kanaal: Kanaal, links: ResourceLinks) -> KanaalView:
        return cls(url=links.kanaal(kanaal.uuid), naam=kanaal.naam, documentatieLink=links.documentation, filters=list(KENMERKEN))
