"""Signed certificate PDFs: the file members download, the snapshot's render with the chamber's signature.

Revision ID: 0021_certificate_signatures
Revises: 0017_refund_duplicate_charges
Create Date: 2026-12-07 14:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_certificate_signatures"
down_revision = "0017_refund_duplicate_charges"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signed_certificate_pdf",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("signer", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"], ondelete="CASCADE",
                                name="fk_signed_certificate_pdf_certificate_id_certificate"),
        sa.PrimaryKeyConstraint("certificate_id", name="pk_signed_certificate_pdf"),
    )


def downgrade():
    op.drop_table("signed_certificate_pdf")
