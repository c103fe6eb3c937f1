"""Alembic migrations of every service database.

Each service database holds two lines of history, as two Alembic branches:

- `chain`: the tables every service has (outbox, processed_event, audit_entry;
  `shared.persistence` and `shared.audit`), versions in `shared/migrations/chain/`;
- the service's own (`arrears`, `triage`, ...), versions in `services/<name>/migrations/`.

`python -m services.<name> migrate` brings both to their heads at deploy; a service
only checks at start that its database is current (`runner.require_current`).
How to add a migration: docs/migrations.md.
"""
