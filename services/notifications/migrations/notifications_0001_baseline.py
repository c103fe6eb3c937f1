"""Baseline: the notifications service's own tables, exactly as `create_all`
made them at start-up before migrations existed (up to commit ba00dfe).

A database made then has these tables and no alembic_version table: `migrate` stamps
this revision on it (ADOPTABLE_TABLES) and upgrades from here.

Revision ID: notifications_0001
Revises:
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "notifications_0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = ("notifications",)
depends_on: Union[str, Sequence[str], None] = None

ADOPTABLE_TABLES = ('alert', 'delivery', 'subscription')


def upgrade() -> None:
    op.create_table('alert',
    sa.Column('alert_id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('recipient', sa.String(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('priority', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('municipality_code', sa.String(), nullable=False),
    sa.Column('district', sa.String(), nullable=True),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('acknowledgement_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(), nullable=True),
    sa.Column('acknowledged_by_worker', sa.String(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_to', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('alert_id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('ix_alert_acknowledgement_due', 'alert', ['acknowledgement_due'], unique=False)
    op.create_index('ix_alert_escalated_to', 'alert', ['escalated_to'], unique=False)
    op.create_index('ix_alert_raised_at', 'alert', ['raised_at'], unique=False)
    op.create_index('ix_alert_recipient', 'alert', ['recipient'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(), nullable=False),
    sa.Column('subscription_id', sa.Uuid(), nullable=False),
    sa.Column('recipient', sa.String(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'subscription_id')
    )
    op.create_index('ix_delivery_next_attempt_at', 'delivery', ['next_attempt_at'], unique=False)
    op.create_index('ix_delivery_recipient', 'delivery', ['recipient'], unique=False)
    op.create_index('ix_delivery_status', 'delivery', ['status'], unique=False)
    op.create_index('ix_delivery_subscription_id', 'delivery', ['subscription_id'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.String(), nullable=False),
    sa.Column('callback_url', sa.String(), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_subscription_organisation_id', 'subscription', ['organisation_id'], unique=False)


def downgrade() -> None:
    op.drop_table('subscription')
    op.drop_table('delivery')
    op.drop_table('alert')
