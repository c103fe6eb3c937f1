"""`make production-check`: the chain in its deployed shape, started with the project's own
scripts on ports of its own, proven end to end (tests/production/check.py)."""
