"""case: safety-net plan before the eviction

household_case.safety_net_plan_on: the day a safety-net plan was made for the case's
scheduled eviction (recommendation C; services.triage.domain.safety_net). Nullable: cases
before it have no plan, as a new eviction date has none.

Revision ID: triage_0004
Revises: triage_0003
Create Date: 2026-12-06 11:17:20.669401

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'triage_0004'
down_revision: Union[str, Sequence[str], None] = 'triage_0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('household_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safety_net_plan_on', sa.Date(), nullable=True))



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('household_case', schema=None) as batch_op:
        batch_op.drop_column('safety_net_plan_on')

