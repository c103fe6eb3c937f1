"""The monitor's pure core: what an event counts for, how joins settle, the period and suppression rules."""
