"""Persistence helpers: engine and sessions, the outbox, the processed-event inbox."""
