"""Monitoring: how many applications fell in each reference bin, per window, model and worker.

Frozen history: never edit, add a revision.

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
    op.create_table(
        "drift_counts",
        sa.Column("window_start", sa.String(40), primary_key=True),
        sa.Column("model_tag", sa.String(200), primary_key=True),
        sa.Column("worker", sa.String(32), primary_key=True),
        sa.Column("applications", sa.Integer, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("drift_counts")
