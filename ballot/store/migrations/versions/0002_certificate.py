"""certificate: the certified bundle of a meeting (docs/bundle.md)

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate",
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("bundle_json", sa.Text(), nullable=False),
        sa.Column("bundle_hash", sa.String(length=80), nullable=False),
        sa.Column("signer_fingerprint", sa.String(length=80), nullable=False),
        sa.Column("certified_by", sa.String(length=100), nullable=False),
        sa.Column("certified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("meeting_id"),
    )


def downgrade() -> None:
    op.drop_table("certificate")
