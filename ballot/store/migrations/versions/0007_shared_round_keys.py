"""round_key, meeting.revision and meeting.forms_revision: several server processes on
one PostgreSQL database (docs/architecture.md, “Several server processes”): the open
rounds' private keys, encrypted under the installation's secret, where every process
can sign with them; and the counters every process's caches of the screens are keyed by

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "round_key",
        sa.Column("round_id", sa.String(length=32), primary_key=True),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
    )
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("forms_revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.drop_column("forms_revision")
        batch_op.drop_column("revision")
    op.drop_table("round_key")
