"""Alembic migration scripts (see shared/migrations); Alembic skips this file."""
