"""Placement's HTTP API: routes that translate HTTP to a use case and its view back.
Domain errors (shared.errors) become 404/409 in shared.http, not here.

Shelters: capacity, the requests routed to them, confirm, decline, end; their centre's waiting list.
GGD: requests it makes, their status and waiting-list position, alternatives meanwhile.
Nobody sees another shelter's residents; "not yours" and "does not exist" are both 404."""

from services.placement.api import facilities, requests, shelter_answers, waitlist

ROUTERS = [facilities.router, requests.router, shelter_answers.router, waitlist.router]
