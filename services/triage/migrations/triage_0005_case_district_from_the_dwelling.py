"""case: where its district came from

household_case.district_source: `dwelling` when the district was read from the dwelling's
postcode and the municipality's postcode areas (services.triage.domain.district), `signal`
when a signaller named it. A district from the dwelling is kept against a signal naming
another. Nullable: cases before it (their district, if any, came from signals) and cases
without a district.

Revision ID: triage_0005
Revises: triage_0004
Create Date: 2026-12-06 15:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'triage_0005'
down_revision: Union[str, Sequence[str], None] = 'triage_0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('household_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_source', sa.Enum('dwelling', 'signal', name='districtsource', native_enum=False, length=None), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('household_case', schema=None) as batch_op:
        batch_op.drop_column('district_source')
