"""case region: when triage last assessed the case (its retention counts from there)

Revision ID: placement_0005
Revises: placement_0004
Create Date: 2026-12-06 08:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'placement_0005'
down_revision: Union[str, Sequence[str], None] = 'placement_0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('case_region', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=True))
    # Regions known before: their retention period starts now (the full period, never less).
    op.execute("UPDATE case_region SET assessed_at = CURRENT_TIMESTAMP")
    with op.batch_alter_table('case_region', schema=None) as batch_op:
        batch_op.alter_column('assessed_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_case_region_assessed_at'), ['assessed_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_region_assessed_at'))
        batch_op.drop_column('assessed_at')
