"""Who may use which endpoint of which service (docs/domain.md#who-may-do-what), written out
by hand rather than derived from the code: per service its own endpoints, the endpoints
every service has, the settings class of each service, and the development organisations."""

from __future__ import annotations

from shared.organisations import Organisations, Role
from shared.settings import DEV_ORGANISATIONS_FILE

R = Role
# Every partner that sees a household in trouble posts signals: a report of concern from the
# teams, the GGD and the municipality, a relapse from the shelter (services/arrears/intake.py).
SIGNALLERS = {R.CORPORATION, R.BAILIFF, R.POLICE, R.PREVENTION_TEAM, R.GGD, R.MUNICIPALITY, R.SHELTER}
ANY = set(R)
PUBLIC = None  # no credentials needed

EXPECTED: dict[str, dict[tuple[str, str], set[Role] | None]] = {
    "arrears": {
        ("POST", "/v1/signals"): SIGNALLERS,
        ("GET", "/v1/signals"): SIGNALLERS,
        ("POST", "/v1/signals/batch"): SIGNALLERS,
        ("GET", "/v1/signals/{signal_id}"): SIGNALLERS,
    },
    "triage": {
        ("GET", "/v1/cases/{case_key}"): {R.GGD, R.PREVENTION_TEAM},
        ("GET", "/v1/alerts"): {R.GGD, R.PREVENTION_TEAM},
        ("POST", "/v1/alerts/{alert_id}/feedback"): {R.GGD, R.PREVENTION_TEAM},
        ("POST", "/v1/cases/{case_key}/composition"): {R.GGD, R.PREVENTION_TEAM},
        ("POST", "/v1/cases/{case_key}/safety-net-plan"): {R.GGD, R.PREVENTION_TEAM},
        ("GET", "/v1/capacity"): {R.PREVENTION_TEAM, R.GGD, R.MUNICIPALITY},
        ("GET", "/v1/rules/{code}/versions"): {R.MUNICIPALITY},
        ("GET", "/v1/rules/{code}/versions/{number}"): {R.MUNICIPALITY},
        ("POST", "/v1/rules/{code}/validation"): {R.MUNICIPALITY},
        ("POST", "/v1/rules/{code}/versions"): {R.MUNICIPALITY},
        ("POST", "/v1/rules/{code}/versions/{number}/publication"): {R.MUNICIPALITY},
    },
    "placement": {
        ("GET", "/v1/facilities"): {R.SHELTER, R.GGD, R.MUNICIPALITY},
        ("PATCH", "/v1/facilities/{facility_id}"): {R.SHELTER},
        ("POST", "/v1/requests"): {R.GGD},
        ("GET", "/v1/requests"): {R.SHELTER, R.GGD},
        ("GET", "/v1/requests/{request_id}"): {R.SHELTER, R.GGD},
        ("POST", "/v1/requests/{request_id}/confirm"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/decline"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/end"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/trajectory-plan"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/admit-rest"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/alternative"): {R.GGD},
        ("GET", "/v1/waitlist"): {R.SHELTER, R.GGD},
    },
    "notifications": {
        ("GET", "/v1/subscriptions"): ANY,
        ("POST", "/v1/subscriptions"): ANY,
        ("DELETE", "/v1/subscriptions/{subscription_id}"): ANY,
        ("GET", "/v1/deliveries"): ANY,
        ("POST", "/v1/deliveries/{delivery_id}/replay"): ANY,
        ("GET", "/v1/inbox"): ANY,
        ("GET", "/v1/inbox/{alert_id}"): ANY,
        ("POST", "/v1/inbox/{alert_id}/acknowledge"): ANY,
        ("GET", "/notificaties/api/v1/kanaal"): ANY,
        ("GET", "/notificaties/api/v1/kanaal/{uuid}"): ANY,
        ("GET", "/notificaties/api/v1/abonnement"): ANY,
        ("POST", "/notificaties/api/v1/abonnement"): ANY,
        ("GET", "/notificaties/api/v1/abonnement/{uuid}"): ANY,
        ("PUT", "/notificaties/api/v1/abonnement/{uuid}"): ANY,
        ("PATCH", "/notificaties/api/v1/abonnement/{uuid}"): ANY,
        ("DELETE", "/notificaties/api/v1/abonnement/{uuid}"): ANY,
    },
    "monitor": {
        ("GET", "/v1/figures"): {R.MUNICIPALITY},
        ("GET", "/v1/figures.csv"): {R.MUNICIPALITY},
        ("GET", "/v1/tables/evictions"): {R.MUNICIPALITY},
        ("GET", "/v1/tables/evictions.csv"): {R.MUNICIPALITY},
        ("GET", "/v1/public/figures"): PUBLIC,
        ("GET", "/v1/public/figures.csv"): PUBLIC,
        ("GET", "/v1/public/tables/evictions"): PUBLIC,
        ("GET", "/v1/public/tables/evictions.csv"): PUBLIC,
    },
}
EVERY_SERVICE = {
    ("GET", "/health/live"): PUBLIC,
    ("GET", "/health/ready"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,  # no organisation's credentials: the scraper's token in production (docs/adr/0030)
    ("POST", "/oauth/token"): PUBLIC,
    ("GET", "/v1/audit"): {R.PRIVACY_OFFICER},
    ("GET", "/v1/retention/deletions"): {R.PRIVACY_OFFICER},
    ("GET", "/v1/event-schemas"): PUBLIC,
    ("GET", "/v1/event-schemas/{event_type}"): PUBLIC,
}
SETTINGS = {
    "arrears": "ArrearsSettings",
    "triage": "TriageSettings",
    "placement": "PlacementSettings",
    "notifications": "NotificationsSettings",
    "monitor": "MonitorSettings",
}
ORGANISATIONS = list(Organisations.load(DEV_ORGANISATIONS_FILE))
