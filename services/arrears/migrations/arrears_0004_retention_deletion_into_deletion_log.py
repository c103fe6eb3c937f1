"""retention_deletion moves into the shared deletion_log

The intake kept its own deletion log (at, rule, cases, signals); every other service
writes the chain's `deletion_log` (shared/retention.py). Its lines move there as
job `arrears-retention`, kind `sealed_address`, rows = signals; the old table goes.

Revision ID: arrears_0004
Revises: arrears_0003
Create Date: 2026-12-06 07:50:58.727038

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'arrears_0004'
down_revision: Union[str, Sequence[str], None] = 'arrears_0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # deletion_log belongs to the chain branch (chain_0003), which `upgrade heads` may run
    # after this one; so whichever runs first creates it (a `depends_on` would leave only
    # this revision in alembic_version, and the services' start check wants every head).
    if not sa.inspect(op.get_bind()).has_table('deletion_log'):
        op.create_table('deletion_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('job', sa.String(), nullable=False),
        sa.Column('rule', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('deletion_log', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_deletion_log_at'), ['at'], unique=False)
    op.execute(
        "INSERT INTO deletion_log (at, job, rule, kind, cases, rows) "
        "SELECT at, 'arrears-retention', rule, 'sealed_address', cases, signals FROM retention_deletion ORDER BY id"
    )
    op.drop_table('retention_deletion')


def downgrade() -> None:
    op.create_table('retention_deletion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rule', sa.String(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('signals', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute(
        "INSERT INTO retention_deletion (at, rule, cases, signals) "
        "SELECT at, rule, cases, rows FROM deletion_log WHERE job = 'arrears-retention' ORDER BY id"
    )
    op.execute("DELETE FROM deletion_log WHERE job = 'arrears-retention'")
