"""Baseline: the triage service's own tables, exactly as `create_all`
made them at start-up before migrations existed (up to commit ba00dfe).

A database made then has these tables and no alembic_version table: `migrate` stamps
this revision on it (ADOPTABLE_TABLES) and upgrades from here.

Revision ID: triage_0001
Revises:
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "triage_0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = ("triage",)
depends_on: Union[str, Sequence[str], None] = None

ADOPTABLE_TABLES = ('alert', 'case_alias', 'case_entry', 'household_case', 'placement_ask', 'report_deadline')


def upgrade() -> None:
    op.create_table('alert',
    sa.Column('alert_id', sa.Uuid(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('signal_id', sa.Uuid(), nullable=False),
    sa.Column('recipient', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('priority', sa.String(), nullable=False),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rule_id', sa.String(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('signal_type', sa.String(), nullable=False),
    sa.Column('trigger', sa.String(), nullable=False),
    sa.Column('regarding_alert_id', sa.Uuid(), nullable=True),
    sa.Column('report', sa.String(), nullable=True),
    sa.Column('fingerprint', sa.String(), nullable=True),
    sa.Column('intermediate_report_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('final_report_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('suspends_collection', sa.Boolean(), nullable=False),
    sa.Column('contact_made_on', sa.Date(), nullable=True),
    sa.Column('intermediate_report_on', sa.Date(), nullable=True),
    sa.Column('final_report_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=True),
    sa.Column('debt_settlement_pending', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('alert_id')
    )
    op.create_index('ix_alert_case_key', 'alert', ['case_key'], unique=False)
    op.create_index('ix_alert_fingerprint', 'alert', ['fingerprint'], unique=False)
    op.create_index('ix_alert_recipient', 'alert', ['recipient'], unique=False)

    op.create_table('case_alias',
    sa.Column('alias_key', sa.String(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('alias_key')
    )
    op.create_index('ix_case_alias_case_key', 'case_alias', ['case_key'], unique=False)

    op.create_table('case_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_case_entry_case_key', 'case_entry', ['case_key'], unique=False)

    op.create_table('household_case',
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('municipality_code', sa.String(), nullable=False),
    sa.Column('district', sa.String(), nullable=True),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('is_family', sa.Boolean(), nullable=True),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('minors', sa.Integer(), nullable=False),
    sa.Column('minor_ages', sa.JSON(), nullable=False),
    sa.Column('composition_source', sa.String(), nullable=False),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('case_lead', sa.String(), nullable=True),
    sa.Column('last_arrears_months', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=True),
    sa.Column('stage_on', sa.Date(), nullable=True),
    sa.Column('episode', sa.Integer(), nullable=False),
    sa.Column('last_alerted_arrears_months', sa.Integer(), nullable=True),
    sa.Column('last_alerted_arrears_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('last_signal_id', sa.Uuid(), nullable=True),
    sa.Column('last_signal_type', sa.String(), nullable=True),
    sa.Column('last_signal_facts', sa.JSON(), nullable=True),
    sa.Column('corporation', sa.String(), nullable=True),
    sa.Column('last_chance', sa.Boolean(), nullable=False),
    sa.Column('placement_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('prevention_contact_on', sa.Date(), nullable=True),
    sa.Column('eviction_date', sa.Date(), nullable=True),
    sa.Column('eviction_signal_id', sa.Uuid(), nullable=True),
    sa.Column('eviction_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('eviction_check_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('eviction_urgent_alerted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('case_key')
    )
    op.create_index('ix_household_case_eviction_check_at', 'household_case', ['eviction_check_at'], unique=False)
    op.create_index('ix_household_case_municipality_code', 'household_case', ['municipality_code'], unique=False)

    op.create_table('placement_ask',
    sa.Column('request_id', sa.Uuid(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.String(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('request_id')
    )
    op.create_index('ix_placement_ask_case_key', 'placement_ask', ['case_key'], unique=False)

    op.create_table('report_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Uuid(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('team', sa.String(), nullable=False),
    sa.Column('report', sa.String(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalation_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('alert_id', 'report')
    )
    op.create_index('ix_report_deadline_alert_id', 'report_deadline', ['alert_id'], unique=False)
    op.create_index('ix_report_deadline_case_key', 'report_deadline', ['case_key'], unique=False)
    op.create_index('ix_report_deadline_due_at', 'report_deadline', ['due_at'], unique=False)
    op.create_index('ix_report_deadline_escalation_due_at', 'report_deadline', ['escalation_due_at'], unique=False)


def downgrade() -> None:
    op.drop_table('report_deadline')
    op.drop_table('placement_ask')
    op.drop_table('household_case')
    op.drop_table('case_entry')
    op.drop_table('case_alias')
    op.drop_table('alert')
