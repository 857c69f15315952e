"""The sign-in sheet keeps no order; host sessions on the server; one phone per member

signature_issuance loses its autoincrement id (which counted the signings in order)
and becomes WITHOUT ROWID keyed by (round, member), with the blinded message's digest
and the blind signature kept while the round is open (idempotent signing). check_in
gains the state "replaced". host_session holds logins so that logout revokes them.
The projector's live distribution is gone (meeting.projector_live).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signature_issuance_new",
        sa.Column("round_id", sa.String(length=32), sa.ForeignKey("round.id"), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), primary_key=True),
        sa.Column("blinded_digest", sa.LargeBinary(length=32), nullable=True),
        sa.Column("blind_signature", sa.LargeBinary(length=1024), nullable=True),
        sqlite_with_rowid=False,
    )
    # In key order, so the copy keeps no trace of the old signing order.
    op.execute("INSERT INTO signature_issuance_new (round_id, member_id) "
               "SELECT round_id, member_id FROM signature_issuance ORDER BY round_id, member_id")
    with op.batch_alter_table("signature_issuance") as batch_op:
        batch_op.drop_index("ix_signature_issuance_round_id")
    op.drop_table("signature_issuance")
    op.rename_table("signature_issuance_new", "signature_issuance")

    with op.batch_alter_table("check_in") as batch_op:
        batch_op.drop_constraint("ck_checkin_state", type_="check")
        batch_op.create_check_constraint(
            "ck_checkin_state", "state IN ('pending', 'approved', 'refused', 'replaced')")

    with op.batch_alter_table("meeting") as batch_op:
        batch_op.drop_column("projector_live")

    op.create_table(
        "host_session",
        sa.Column("token_digest", sa.LargeBinary(length=32), primary_key=True),
        sa.Column("host_id", sa.Integer(), sa.ForeignKey("host_account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_host_session_host_id", "host_session", ["host_id"])


def downgrade() -> None:
    op.drop_index("ix_host_session_host_id", table_name="host_session")
    op.drop_table("host_session")
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.add_column(sa.Column("projector_live", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("check_in") as batch_op:
        batch_op.drop_constraint("ck_checkin_state", type_="check")
        batch_op.create_check_constraint("ck_checkin_state", "state IN ('pending', 'approved', 'refused')")
    op.create_table(
        "signature_issuance_old",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.String(length=32), sa.ForeignKey("round.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
        sa.UniqueConstraint("round_id", "member_id", name="uq_one_signature"),
    )
    op.execute("INSERT INTO signature_issuance_old (round_id, member_id) "
               "SELECT round_id, member_id FROM signature_issuance")
    op.drop_table("signature_issuance")
    op.rename_table("signature_issuance_old", "signature_issuance")
    op.create_index("ix_signature_issuance_round_id", "signature_issuance", ["round_id"])
