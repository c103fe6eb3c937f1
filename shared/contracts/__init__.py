"""Event contracts of the signal chain: CloudEvents NL GOV envelope, one model per type."""
