"""Baseline: the monitor service's own tables, exactly as `create_all`
made them at start-up before migrations existed (up to commit ba00dfe).

A database made then has these tables and no alembic_version table: `migrate` stamps
this revision on it (ADOPTABLE_TABLES) and upgrades from here.

Revision ID: monitor_0001
Revises:
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "monitor_0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = ("monitor",)
depends_on: Union[str, Sequence[str], None] = None

ADOPTABLE_TABLES = ('counter', 'join_profile', 'monitor_generation', 'pending_fact')


def upgrade() -> None:
    op.create_table('counter',
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('district', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=60), nullable=False),
    sa.Column('family', sa.String(length=12), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('municipality_code', 'district', 'year', 'month', 'metric', 'outcome', 'family')
    )
    op.create_table('join_profile',
    sa.Column('link', sa.String(length=64), nullable=False),
    sa.Column('municipality_code', sa.String(), nullable=False),
    sa.Column('district', sa.String(), nullable=False),
    sa.Column('family', sa.String(), nullable=False),
    sa.Column('single_use', sa.Boolean(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('link')
    )
    op.create_index('ix_join_profile_received_at', 'join_profile', ['received_at'], unique=False)

    op.create_table('monitor_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.String(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('pending_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link', sa.String(length=64), nullable=False),
    sa.Column('metric', sa.String(), nullable=False),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(), nullable=True),
    sa.Column('district', sa.String(), nullable=True),
    sa.Column('family', sa.String(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_pending_fact_link', 'pending_fact', ['link'], unique=False)
    op.create_index('ix_pending_fact_received_at', 'pending_fact', ['received_at'], unique=False)


def downgrade() -> None:
    op.drop_table('pending_fact')
    op.drop_table('monitor_generation')
    op.drop_table('join_profile')
    op.drop_table('counter')
