"""meeting.cap_percent: the 366-2025 cap ratio a meeting was granted

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.add_column(sa.Column("cap_percent", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.drop_column("cap_percent")
