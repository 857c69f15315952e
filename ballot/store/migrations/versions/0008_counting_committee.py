"""The counting committee (docs/encrypted-ballots.md, 14): its key-generation ceremonies,
trustees and signed messages, the trustees' decryption shares, and on each round the
ceremony its ballots are encrypted to, the encrypted tally, the decrypted counts and a
void mark

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee_ceremony",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("meeting_id", sa.String(length=32), sa.ForeignKey("meeting.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("t", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("joint_key", sa.String(length=64), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("confirmed_aloud_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("meeting_id", "number", name="uq_ceremony_number"),
        sa.CheckConstraint("state IN ('running', 'complete', 'failed')", name="ck_ceremony_state"),
    )
    op.create_index("ix_committee_ceremony_meeting_id", "committee_ceremony", ["meeting_id"])
    op.create_table(
        "trustee",
        sa.Column("ceremony_id", sa.String(length=32), sa.ForeignKey("committee_ceremony.id"),
                  primary_key=True),
        sa.Column("index", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
    )
    op.create_table(
        "ceremony_message",
        sa.Column("ceremony_id", sa.String(length=32), sa.ForeignKey("committee_ceremony.id"),
                  primary_key=True),
        sa.Column("trustee_index", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=16), primary_key=True),
        sa.Column("against", sa.Integer(), primary_key=True),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('announce', 'dealing', 'confirmation', 'complaint')",
                           name="ck_ceremony_message_kind"),
    )
    op.create_table(
        "decryption_share",
        sa.Column("round_id", sa.String(length=32), sa.ForeignKey("round.id"), primary_key=True),
        sa.Column("trustee_index", sa.Integer(), primary_key=True),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("refused", sa.Text(), nullable=True),
    )
    # Plain ADD COLUMNs, the reference included: a batch would rebuild the round table,
    # which SQLite refuses while questions and ballots reference it.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE round ADD COLUMN ceremony_id VARCHAR(32) "
                   "CONSTRAINT fk_round_ceremony REFERENCES committee_ceremony (id)")
    else:
        op.add_column("round", sa.Column("ceremony_id", sa.String(length=32), nullable=True))
        op.create_foreign_key("fk_round_ceremony", "round", "committee_ceremony", ["ceremony_id"], ["id"])
    op.add_column("round", sa.Column("encrypted_tally", sa.Text(), nullable=True))
    op.add_column("round", sa.Column("counts", sa.JSON(), nullable=True))
    op.add_column("round", sa.Column("voided_at", sa.DateTime(), nullable=True))
    op.add_column("ballot", sa.Column("nonce", sa.String(length=32), nullable=True))
    op.create_index("uq_ballot_nonce", "ballot", ["round_id", "nonce"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("round") as batch_op:
        batch_op.drop_column("voided_at")
        batch_op.drop_column("counts")
        batch_op.drop_column("encrypted_tally")
        batch_op.drop_column("ceremony_id")
    op.drop_index("uq_ballot_nonce", table_name="ballot")
    with op.batch_alter_table("ballot") as batch_op:
        batch_op.drop_column("nonce")
    op.drop_table("decryption_share")
    op.drop_table("ceremony_message")
    op.drop_table("trustee")
    op.drop_index("ix_committee_ceremony_meeting_id", table_name="committee_ceremony")
    op.drop_table("committee_ceremony")
