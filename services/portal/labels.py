"""Dutch words for the codes the services answer with.

The services speak English codes (`urgent_outreach`, `waitlisted`); the people who
use the portal read Dutch. A code without a label is shown as it is, so a value
added later in a service still appears, just untranslated.
"""

from __future__ import annotations

from shared.contracts.event_types import SignalType

LABELS: dict[str, dict[str, str]] = {
    "role": {
        "ggd": "GGD (Vangnet)",
        "shelter": "Opvang",
        "corporation": "Woningcorporatie",
        "municipality": "Gemeente",
        "bailiff": "Deurwaarder",
        "police": "Politie",
        "prevention_team": "Preventieteam",
    },
    "alert_kind": {
        "prevention": "Preventie",
        "urgent_outreach": "Urgente outreach",
        "lost_from_view": "Uit beeld",
        "reminder": "Herinnering",
        "escalation": "Escalatie",
    },
    "priority": {"normal": "Normaal", "urgent": "Urgent"},
    "rules_state": {"draft": "Concept", "published": "Geldend", "superseded": "Vervangen"},
    "signal_type": {
        SignalType.ARREARS_REPORTED: "Huurachterstand",
        SignalType.ARREARS_RESOLVED: "Huurachterstand opgelost",
        SignalType.VERDICT_ISSUED: "Vonnis tot ontruiming",
        SignalType.EVICTION_SCHEDULED: "Ontruiming aangezegd",
        SignalType.EVICTION_CANCELLED: "Ontruiming afgemeld",
        SignalType.EVICTION_EXECUTED: "Ontruiming uitgevoerd",
        SignalType.FAMILY_FOUND: "Gezin aangetroffen bij ontruiming",
        SignalType.CONCERN_REPORTED: "Zorgmelding",
        SignalType.CONTACT_ATTEMPTED: "Contactpoging corporatie",
        SignalType.SUPPORT_RELAPSED: "Terugval na woonbegeleiding",
    },
    "signal_status": {
        "received": "Ontvangen",
        "forwarded": "Doorgestuurd naar de keten",
        "routed": "Belegd bij een team",
    },
    "prevention_outcome": {
        "arrangement": "Regeling getroffen",
        "debt_help_started": "Schuldhulp gestart",
        "not_reached": "Niet bereikt",
        "refused": "Hulp geweigerd",
        "already_known": "Al bekend bij hulpverlening",
    },
    "feedback_type": {
        "contact-made": "Contact gelegd",
        "report-intermediate": "Tussenrapportage (na 14 dagen)",
        "report-final": "Eindrapportage (na 28 dagen)",
        "home-visit": "Huisbezoek afgelegd",
    },
    "eviction_outcome": {
        "evicted": "Ontruimd",
        "paid_at_door": "Betaald aan de deur, niet ontruimd",
        "not_executed": "Niet doorgegaan",
        "left_unknown_destination": "Vertrokken, onbekend waarheen",
    },
    "concern": {
        "nuisance": "Overlast voor de buurt",
        "neglect": "Vervuiling of verwaarlozing van de woning",
        "care_avoidance": "Zorgmijding: hulp wordt niet aangenomen",
        "children": "Zorgen om de kinderen",
        "debts": "Oplopende schulden",
        "other": "Iets anders",
    },
    "contact_method": {"letter": "Brief", "call": "Telefoon", "visit": "Bezoek aan huis"},
    "contact_result": {
        "reached": "Gesproken met het huishouden",
        "arrangement": "Betalingsregeling of andere afspraak gemaakt",
        "not_reached": "Niet bereikt",
        "refused": "Contact of hulp geweigerd",
    },
    "safety_net_arrangement": {
        "shelter_place": "Opvangplek geregeld voor de dag van de ontruiming",
        "own_network": "Het gezin kan bij familie of vrienden terecht",
        "other_dwelling": "Andere woning (urgentie, omklap, voorwaardelijk)",
        "support_trajectory": "Begeleiding of zorg loopt door na de ontruiming",
        "eviction_stopped": "Betaling of bijzondere bijstand verwacht: de ontruiming gaat waarschijnlijk niet door",
    },
    "alternative_kind": {
        "hotel": "Hotel",
        "holiday_home": "Vakantiewoning of bungalowpark",
        "with_relatives": "Bij familie of vrienden",
        "family_split": "Gezin tijdelijk gesplitst",
        "night_shelter": "Nachtopvang",
    },
    "outflow": {
        "contingent_dwelling": "Voorwaardelijke woning",
        "omklap": "Omklap (eigen huurcontract)",
        "own_network": "Eigen netwerk",
        "unknown": "Onbekend",
    },
    "request_status": {
        "offered": "Aangeboden aan opvang",
        "waitlisted": "Op wachtlijst",
        "placed": "Geplaatst",
        "partly_placed": "Deels geplaatst (niet het hele gezin opgenomen)",
        "ended": "Beëindigd",
        "declined": "Afgewezen",
        "withdrawn": "Ingetrokken (ontruiming gaat niet door)",
    },
    "unit_type": {
        "crisis": "Crisisopvang",
        "family_two_parent": "Gezinsunits (twee ouders)",
        "mother_with_children": "Vrouwen met kinderen (eenoudergezin)",
        "care_24h": "24-uurszorg",
        "ambulant": "Ambulante woonbegeleiding",
        "night_shelter": "Nachtopvang",
    },
    "placement_cause": {"eviction": "Huisuitzetting", "domestic_violence": "Huiselijk geweld", "other": "Anders"},
    "referral_source": {
        "ggd": "GGD of centrale toegang",
        "police": "Politie",
        "youth_care": "Jeugdzorg",
        "womens_shelter": "Vrouwenopvang",
        "crisis_service": "Crisisdienst",
        "prevention_team": "Preventieteam",
        "bemoeizorg": "Bemoeizorg",
        "municipality": "Gemeente",
        "self": "Het gezin zelf",
        "other": "Anders",
    },
    "family_type": {"two_parent": "Twee ouders", "one_parent": "Eén ouder", "unknown": "Onbekend"},
    "need": {"crisis": "Crisisplaats (vannacht)", "family": "Gezinsplaats"},
    "case_state": {
        "signalled": "Gesignaleerd",
        "eviction_scheduled": "Ontruiming aangezegd",
        "awaiting_placement": "Wacht op opvang",
        "placed": "Geplaatst",
        "lost_from_view": "Uit beeld",
        "resolved": "Afgesloten",
    },
    "composition_source": {
        "register": "Basisregistratie personen",
        "reported_at_eviction": "Gemeld bij de ontruiming",
        "reported_by_case_worker": "Gecorrigeerd door hulpverlener",
        "unknown": "Onbekend (register niet bereikbaar)",
    },
    "placement_news": {
        "placement.offered": "Plaats aangeboden",
        "placement.confirmed": "Geplaatst",
        "placement.waitlisted": "Op de wachtlijst",
        "placement.declined": "Afgewezen",
        "placement.ended": "Plaatsing beëindigd",
        "placement.lost-from-view": "Uit beeld geraakt",
        "placement.withdrawal-handled": "Intrekking verwerkt",
    },
    "timeline_kind": {
        "signal": "Signaal",
        "decision": "Routeringsbesluit",
        "alert": "Melding",
        "alert-skipped": "Geen melding",
        "assessment": "Huishouden beoordeeld",
        "composition": "Samenstelling gecorrigeerd",
        "feedback": "Terugkoppeling",
        "placement": "Opvang",
        "repeat": "Herhaald signaal",
        "late": "Laat signaal",
        "history": "Historisch signaal",
        "late-in-view": "Ontruiming nadert",
        "state": "Status",
        "escalation-skipped": "Geen escalatie",
        "capacity": "Boven de jaarcapaciteit",
        "joined": "Gekoppeld aan de woning",
        "linked": "Eerdere casus van dit gezin",
        "unlocated": "Woning niet gevonden in de BRP",
        "district": "Stadsdeel volgens de postcode",
        "follow-up": "Uitkomst na preventie",
        "safety-net-plan": "Vangnetplan voor de ontruiming",
    },
    "metric": {
        "signal": "Signalen",
        "verdict": "Vonnissen naar grond",
        "eviction": "Ontruimingen",
        "alert": "Meldingen aan teams",
        "prevention": "Preventie",
        "placement": "Opvang van gezinnen",
        "outflow": "Uitstroom uit de opvang",
        "placement_cause": "Opvangaanvragen naar oorzaak",
        "referral_source": "Opvangaanvragen naar verwijzer",
        "alert_follow_up": "Opvolging van meldingen",
        "case_outcome": "Uitkomst na preventie (met eindrapportage)",
        "case_outcome_report_missing": "Uitkomst na preventie (eindrapportage ontbreekt)",
        "repeat": "Eerder uitgezette gezinnen opnieuw in beeld",
        "home_visit": "Huisbezoeken",
        "safety_net_plan": "Vangnetplannen voor een ontruiming",
        "eviction_with_safety_net": "Aangezegde ontruimingen met vangnetplan",
    },
    "outcome": {
        # signals carry their type
        SignalType.ARREARS_REPORTED: "Huurachterstand",
        SignalType.ARREARS_RESOLVED: "Huurachterstand opgelost",
        SignalType.VERDICT_ISSUED: "Vonnis",
        SignalType.EVICTION_SCHEDULED: "Aanzegging",
        SignalType.EVICTION_CANCELLED: "Afgemeld",
        SignalType.EVICTION_EXECUTED: "Uitgevoerd",
        SignalType.FAMILY_FOUND: "Gezin aangetroffen",
        SignalType.CONCERN_REPORTED: "Zorgmelding",
        SignalType.CONTACT_ATTEMPTED: "Contactpoging corporatie",
        SignalType.SUPPORT_RELAPSED: "Terugval na woonbegeleiding",
        # verdict grounds
        "rent_arrears": "Huurachterstand",
        "nuisance": "Overlast",
        "subletting": "Onderhuur",
        "cannabis": "Hennep",
        "other": "Overig",
        # evictions (Table 1 of the report)
        "scheduled": "Aanbod (aangezegd)",
        "withdrawn": "Afgemeld",
        "paid_at_door": "Betaald aan de deur",
        "not_executed": "Niet doorgegaan",
        "evicted": "Ontruimd",
        "left_unknown_destination": "Vertrokken, onbekend waarheen",
        # households an earlier case saw evicted (repeat)
        "signalled_again": "Opnieuw gesignaleerd op een nieuw adres",
        "evicted_again": "Opnieuw uitgezet",
        # alerts
        "prevention": "Preventie",
        "urgent_outreach": "Urgente outreach",
        "lost_from_view": "Uit beeld",
        "reminder": "Herinnering",
        "escalation": "Escalatie",
        # prevention
        "referred": "Doorverwezen",
        "contact_made": "Contact gelegd",
        "intermediate_report": "Tussenrapportage",
        "arrangement": "Regeling getroffen",
        "debt_help_started": "Schuldhulp gestart",
        "not_reached": "Niet bereikt",
        "refused": "Hulp geweigerd",
        "already_known": "Al bekend",
        "report_missing": "Rapportage ontbreekt",
        # placement
        "requested": "Aangevraagd",
        "offered": "Aangeboden",
        "placed": "Geplaatst",
        "waitlisted": "Op wachtlijst",
        "declined": "Afgewezen",
        "ended": "Beëindigd",
        "withdrawn": "Ingetrokken",
        "too_late": "Intrekking te laat (gezin al geplaatst)",
        "partly_placed": "Deels geplaatst",
        "rest_admitted": "Rest van het gezin later opgenomen",
        # what became of the household after prevention
        "no_eviction": "Geen ontruiming",
        "eviction_not_executed": "Ontruiming aangezegd, niet uitgevoerd",
        # follow-up
        "acknowledged": "Bevestigd",
        "escalated": "Geëscaleerd",
        # home visits and safety-net plans
        "met_household": "Huishouden gesproken",
        "not_met": "Niet thuis of niet opengedaan",
        "made": "Gemaakt",
        "revised": "Herzien",
    },
    "family": {"family": "Gezinnen", "no_family": "Geen gezin", "unknown": "Onbekend", "all": "Totaal"},
    "eviction_column": {
        "aanbod_offered": "Aanbod",
        "afgemeld_withdrawn": "Afgemeld",
        "niet_not_executed": "Niet doorgegaan",
        "betaald_paid_at_door": "Betaald aan de deur",
        "ontruimd_evicted": "Ontruimd",
        "noorderzon_left_unknown_destination": "Noorderzon",
    },
    "municipality": {"0363": "Amsterdam", "0344": "Utrecht", "0080": "Leeuwarden", "0828": "Oss"},
    "month": dict(zip(map(str, range(1, 13)), (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ))),  # fmt: skip
}


# The monitor's metrics whose outcomes are the codes of one field: their rows read that field's
# own labels (the flat "outcome" map cannot hold them: "other" is "Overig" there, a verdict's ground).
METRIC_FIELD = {"placement_cause": "placement_cause", "referral_source": "referral_source", "outflow": "outflow"}


def outcome_label(outcome: object, metric: str) -> str:
    """The Dutch label of a monitor row: its metric's field labels, else the flat outcome list."""
    return label(outcome, METRIC_FIELD.get(metric, "outcome"))


def label(code: object, kind: str) -> str:
    """The Dutch label of `code` in `kind`, or the code itself when there is none."""
    if code is None:
        return ""
    return LABELS.get(kind, {}).get(str(code), str(code))


def summary_items(summary: dict) -> list[tuple[str, str]]:
    """A timeline entry's facts as (name, text), without empty values: the trace of a
    routing decision stays readable (yes/no for booleans, nested facts on one line)."""
    return [(str(name), text) for name, value in summary.items() if (text := _fact(value))]


def _fact(value: object) -> str:
    if value is None or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dict):
        return ", ".join(f"{name}: {text}" for name, inner in value.items() if (text := _fact(inner)))
    if isinstance(value, list):
        return ", ".join(_fact(item) for item in value)
    return str(value)
