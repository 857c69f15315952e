"""meeting.place, meeting.counting_committee and meeting.timezone: what the minutes record
of the meeting itself (docs/bundle.md, `meeting`): where it was held, the counting
committee (ban kiểm phiếu), and the time zone its times are written in

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("counting_committee", sa.JSON(), nullable=False,
                                      server_default="[]"))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.drop_column("timezone")
        batch_op.drop_column("counting_committee")
        batch_op.drop_column("place")
