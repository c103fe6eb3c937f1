"""Baseline: the placement service's own tables, exactly as `create_all`
made them at start-up before migrations existed (up to commit ba00dfe).

A database made then has these tables and no alembic_version table: `migrate` stamps
this revision on it (ADOPTABLE_TABLES) and upgrades from here.

Revision ID: placement_0001
Revises:
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "placement_0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = ("placement",)
depends_on: Union[str, Sequence[str], None] = None

ADOPTABLE_TABLES = ('alternative', 'decline', 'facility', 'placement_request', 'withdrawal')


def upgrade() -> None:
    op.create_table('alternative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_alternative_request_id', 'alternative', ['request_id'], unique=False)

    op.create_table('decline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Uuid(), nullable=False),
    sa.Column('facility_id', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_decline_request_id', 'decline', ['request_id'], unique=False)

    op.create_table('facility',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('shelter', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('centre', sa.String(), nullable=False),
    sa.Column('region', sa.JSON(), nullable=False),
    sa.Column('unit_type', sa.String(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('occupied', sa.Integer(), nullable=False),
    sa.Column('accepts', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_facility_shelter', 'facility', ['shelter'], unique=False)

    op.create_table('placement_request',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('requested_by', sa.String(), nullable=False),
    sa.Column('adults', sa.Integer(), nullable=False),
    sa.Column('children_ages', sa.JSON(), nullable=False),
    sa.Column('family_type', sa.String(), nullable=False),
    sa.Column('need', sa.String(), nullable=False),
    sa.Column('municipality_code', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('facility_id', sa.String(), nullable=True),
    sa.Column('centre', sa.String(), nullable=True),
    sa.Column('out_of_region', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_update_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lost_from_view_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outflow', sa.String(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_placement_request_case_key', 'placement_request', ['case_key'], unique=False)
    op.create_index('ix_placement_request_centre', 'placement_request', ['centre'], unique=False)
    op.create_index('ix_placement_request_facility_id', 'placement_request', ['facility_id'], unique=False)
    op.create_index('ix_placement_request_requested_by', 'placement_request', ['requested_by'], unique=False)
    op.create_index('ix_placement_request_waiting', 'placement_request', ['status', 'last_update_at'], unique=False)

    op.create_table('withdrawal',
    sa.Column('request_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('status_before', sa.String(), nullable=False),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('facility_id', sa.String(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('request_id')
    )


def downgrade() -> None:
    op.drop_table('withdrawal')
    op.drop_table('placement_request')
    op.drop_table('facility')
    op.drop_table('decline')
    op.drop_table('alternative')
