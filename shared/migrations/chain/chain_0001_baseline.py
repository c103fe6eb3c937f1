"""Baseline: the chain tables every service database has (outbox, processed events,
audit), exactly as `create_all` made them at start-up before migrations existed (up
to commit ba00dfe).

A database made then has these tables and no alembic_version table: `migrate` stamps
this revision on it (ADOPTABLE_TABLES) and upgrades from here.

Revision ID: chain_0001
Revises:
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "chain_0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = ("chain",)
depends_on: Union[str, Sequence[str], None] = None

ADOPTABLE_TABLES = ('audit_entry', 'outbox', 'processed_event')


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('purpose', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_entry_at', 'audit_entry', ['at'], unique=False)
    op.create_index('ix_audit_entry_organisation_id', 'audit_entry', ['organisation_id'], unique=False)
    op.create_index('ix_audit_entry_subject', 'audit_entry', ['subject'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('topic', sa.String(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('ix_outbox_unsent', 'outbox', ['sent_at', 'id'], unique=False)

    op.create_table('processed_event',
    sa.Column('consumer', sa.String(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id')
    )


def downgrade() -> None:
    op.drop_table('processed_event')
    op.drop_table('outbox')
    op.drop_table('audit_entry')
