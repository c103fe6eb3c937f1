"""Reading the monitor's figures in tests: the query of one month in Amsterdam, and one count
from a figures answer."""

AMSTERDAM = {"municipality": "0363", "year": 2026, "month": 11}


def figure(body, metric, outcome, family="all"):
    [found] = [f["count"] for f in body["figures"] if (f["metric"], f["outcome"], f["family"]) == (metric, outcome, family)]
    return found
