"""The first release's schema: one ``decisions`` table that logged every scoring call.

That release created it without Alembic, so a database it wrote already holds the table:
this revision then only stamps it. Frozen history: never edit, add a revision instead.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("decisions"):
        return
    op.create_table(
        "decisions",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("endpoint", sa.String(32), nullable=False),
        sa.Column("model_tag", sa.String(200), nullable=False),
        sa.Column("threshold", sa.Double, nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("client_id", sa.BigInteger, nullable=True),
        sa.Column("probability", sa.Double, nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reasons", sa.Text, nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
    )
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_decisions_created_at", "decisions")
    op.drop_table("decisions")
