"""family: persons and links across addresses

case_person: the keyed pseudonyms of the persons the register listed at a case's dwelling
(never a BSN); case_link: a case linked to an earlier case of the same family at another
dwelling; household_case.evicted_on: the day the household lost its home there. New
tables and a nullable column: the previous version keeps working (docs/adr/0038).

Revision ID: triage_0006
Revises: triage_0005
Create Date: 2026-12-06 14:44:54.556881

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'triage_0006'
down_revision: Union[str, Sequence[str], None] = 'triage_0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('case_link',
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('earlier_case_key', sa.String(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shared_persons', sa.Integer(), nullable=False),
    sa.Column('earlier_evicted_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('case_key', 'earlier_case_key')
    )
    with op.batch_alter_table('case_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_link_earlier_case_key'), ['earlier_case_key'], unique=False)

    op.create_table('case_person',
    sa.Column('case_key', sa.String(), nullable=False),
    sa.Column('person', sa.String(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_key', 'person')
    )
    with op.batch_alter_table('case_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_person_person'), ['person'], unique=False)

    with op.batch_alter_table('household_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evicted_on', sa.Date(), nullable=True))



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('household_case', schema=None) as batch_op:
        batch_op.drop_column('evicted_on')

    with op.batch_alter_table('case_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_person_person'))

    op.drop_table('case_person')
    with op.batch_alter_table('case_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_link_earlier_case_key'))

    op.drop_table('case_link')
