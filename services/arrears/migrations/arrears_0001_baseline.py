"""Baseline: the arrears service's own tables, exactly as `create_all`
made them at start-up before migrations existed (up to commit ba00dfe).

A database made then has these tables and no alembic_version table: `migrate` stamps
this revision on it (ADOPTABLE_TABLES) and upgrades from here.

Revision ID: arrears_0001
Revises:
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "arrears_0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = ("arrears",)
depends_on: Union[str, Sequence[str], None] = None

ADOPTABLE_TABLES = ('retention_deletion', 'signal', 'signal_feedback', 'signal_routing')


def upgrade() -> None:
    op.create_table('retention_deletion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rule', sa.String(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('signals', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('signal',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.String(), nullable=False),
    sa.Column('type', sa.String(), nullable=False),
    sa.Column('idempotency_key', sa.String(), nullable=True),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('municipality_code', sa.String(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('sealed_address', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'idempotency_key')
    )
    op.create_index('ix_signal_organisation_id', 'signal', ['organisation_id'], unique=False)

    op.create_table('signal_feedback',
    sa.Column('alert_id', sa.Uuid(), nullable=False),
    sa.Column('signal_id', sa.Uuid(), nullable=False),
    sa.Column('reported_by', sa.String(), nullable=False),
    sa.Column('contact_made_on', sa.Date(), nullable=True),
    sa.Column('intermediate_report_on', sa.Date(), nullable=True),
    sa.Column('final_report_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=True),
    sa.Column('collection_suspended_until', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('alert_id')
    )
    op.create_index('ix_signal_feedback_signal_id', 'signal_feedback', ['signal_id'], unique=False)

    op.create_table('signal_routing',
    sa.Column('alert_id', sa.Uuid(), nullable=False),
    sa.Column('signal_id', sa.Uuid(), nullable=False),
    sa.Column('recipient', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('routed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('priority', sa.String(), nullable=True),
    sa.Column('intermediate_report_due', sa.Date(), nullable=True),
    sa.Column('final_report_due', sa.Date(), nullable=True),
    sa.Column('collection_suspended_until', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('alert_id')
    )
    op.create_index('ix_signal_routing_signal_id', 'signal_routing', ['signal_id'], unique=False)


def downgrade() -> None:
    op.drop_table('signal_routing')
    op.drop_table('signal_feedback')
    op.drop_table('signal')
    op.drop_table('retention_deletion')
