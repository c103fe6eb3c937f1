"""Kafka topics of the chain. Deployed names get the settings' `topic_prefix`."""

SIGNALS = "signals"
TRIAGE = "triage"
ALERTS = "alerts"
PLACEMENT_REQUESTS = "placement-requests"
PLACEMENT = "placement"
PREVENTION = "prevention"
DELIVERIES = "deliveries"

ALL = (SIGNALS, TRIAGE, ALERTS, PLACEMENT_REQUESTS, PLACEMENT, PREVENTION, DELIVERIES)

DEAD_LETTER_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    return topic + DEAD_LETTER_SUFFIX
