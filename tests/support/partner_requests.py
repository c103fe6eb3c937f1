"""Driving the running chain over HTTP, as partners do: post a signal, report a family found at
an eviction, read GGD's inbox and the places offered to the shelter."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
FAMILY_DWELLING = "0363010001004477"  # official test persons: two parents and children, one still a minor


def new_dwelling() -> str:
    """An Amsterdam dwelling no other test uses (nobody registered: routing still alerts)."""
    return f"036301{uuid.uuid4().int % 10**10:010d}"


def yesterday() -> str:
    return (datetime.now(UTC) - timedelta(days=1)).date().isoformat()


def post_signal(chain, organisation: str, body: dict) -> str:
    with chain.client("arrears", organisation) as client:
        response = client.post("/v1/signals", json=body)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def family_found(chain, dwelling: str, children: list[int]) -> str:
    body = {
        "type": "eviction.family-found",
        "address": {"adresseerbaarObjectIdentificatie": dwelling},
        "observed_on": yesterday(),
        "adults": 2,
        "children_ages": children,
    }
    return post_signal(chain, "politie-amsterdam", body)


def inbox_item(chain, signal_id: str) -> dict | None:
    with chain.client("notifications", GGD) as client:
        items = client.get("/v1/inbox").json()
    return next((i for i in items if i["event"]["data"]["signal_id"] == signal_id), None)


def offered_to_hvo(chain, case_key: str) -> dict | None:
    with chain.client("placement", HVO) as client:
        requests = client.get("/v1/requests", params={"status": "offered"}).json()
    return next((r for r in requests if r["case_key"] == case_key), None)
