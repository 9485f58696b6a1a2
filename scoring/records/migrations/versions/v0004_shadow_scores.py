"""Shadow scoring: a challenger's score of each real application beside the champion's.

Frozen history: never edit, add a revision.

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
        "shadow_scores",
        sa.Column("request_id", sa.String(32), primary_key=True),
        sa.Column("challenger_tag", sa.String(200), primary_key=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("champion_tag", sa.String(200), nullable=False),
        sa.Column("champion_probability", sa.Double, nullable=False),
        sa.Column("champion_threshold", sa.Double, nullable=False),
        sa.Column("challenger_probability", sa.Double, nullable=False),
        sa.Column("challenger_threshold", sa.Double, nullable=False),
    )
    op.create_index("ix_shadow_scores_created_at", "shadow_scores", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_shadow_scores_created_at", "shadow_scores")
    op.drop_table("shadow_scores")
