"""meeting.organisation_facts and meeting.khtnv_by_accumulation: the chi bộ's facts the
rules read (21-HD II.B.1.3, II.B.6: founding date, Mẫu 01 criteria, same-level bodies,
a discipline self-remedied) and what a KHTNV reached only by accumulation becomes

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.add_column(sa.Column("organisation_facts", sa.JSON(), nullable=False,
                                      server_default="{}"))
        batch_op.add_column(sa.Column("khtnv_by_accumulation", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(
            "ck_meeting_khtnv_by_accumulation",
            "khtnv_by_accumulation IS NULL OR khtnv_by_accumulation IN ('khtnv', 'undetermined')",
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.drop_constraint("ck_meeting_khtnv_by_accumulation", type_="check")
        batch_op.drop_column("khtnv_by_accumulation")
        batch_op.drop_column("organisation_facts")
