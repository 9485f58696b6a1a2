"""Scoring is not deciding: the first release's rows become inquiries; decisions, their hash
chain, outcomes, API keys and dashboard users get tables of their own.

Every row the first release logged was a scoring call (/predict, /explain, /predict_batch),
never a person's decision, so the table is renamed ``inquiries`` and keeps every row: its
``decision`` column becomes ``recommendation``, and ``purpose`` and ``actor``, which that
release did not record, read "unrecorded". Frozen history: never edit, add a revision.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UNRECORDED = "unrecorded"


def upgrade() -> None:
    op.drop_index("ix_decisions_created_at", "decisions")
    op.rename_table("decisions", "inquiries")
    with op.batch_alter_table("inquiries") as batch:
        batch.alter_column("decision", new_column_name="recommendation", type_=sa.String(16))
        batch.alter_column("request_id", type_=sa.String(32))
        batch.add_column(sa.Column("purpose", sa.String(16), nullable=True))
        batch.add_column(sa.Column("actor", sa.String(120), nullable=True))
    op.execute(
        sa.text("UPDATE inquiries SET purpose = :unrecorded, actor = :unrecorded").bindparams(
            unrecorded=UNRECORDED
        )
    )
    with op.batch_alter_table("inquiries") as batch:
        batch.alter_column("purpose", existing_type=sa.String(16), nullable=False)
        batch.alter_column("actor", existing_type=sa.String(120), nullable=False)
    op.create_index("ix_inquiries_created_at", "inquiries", ["created_at"])
    op.create_index("ix_inquiries_client_id", "inquiries", ["client_id"])
    _create_new_tables()


def _create_new_tables() -> None:
    op.create_table(
        "decisions",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("decision_id", sa.String(32), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("client_id", sa.BigInteger, nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("model_tag", sa.String(200), nullable=False),
        sa.Column("threshold", sa.Double, nullable=False),
        sa.Column("review_band", sa.Double, nullable=False),
        sa.Column("probability", sa.Double, nullable=False),
        sa.Column("recommendation", sa.String(16), nullable=False),
        sa.Column("final_decision", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("reason_codes", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False, unique=True),
        sa.Column("revises", sa.String(32), nullable=True, unique=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_decisions_client_id", "decisions", ["client_id"])
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "purged_links",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("decision_id", sa.String(32), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("purged_at", sa.String(40), nullable=False),
        sa.Column("purged_by", sa.String(120), nullable=False),
        sa.Column("why", sa.String(16), nullable=False),
    )
    op.create_table(
        "outcomes",
        sa.Column("decision_id", sa.String(32), primary_key=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("outcome_date", sa.String(10), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("scopes", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("previous_hash", sa.String(200), nullable=True),
        sa.Column("previous_until", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("rotated_at", sa.String(40), nullable=True),
        sa.Column("revoked_at", sa.String(40), nullable=True),
    )
    op.create_table(
        "users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("disabled_at", sa.String(40), nullable=True),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.String(40), nullable=True),
    )


def downgrade() -> None:
    for table in ("users", "api_keys", "outcomes", "purged_links", "chain_head"):
        op.drop_table(table)
    op.drop_index("ix_decisions_created_at", "decisions")
    op.drop_index("ix_decisions_client_id", "decisions")
    op.drop_table("decisions")
    op.drop_index("ix_inquiries_client_id", "inquiries")
    op.drop_index("ix_inquiries_created_at", "inquiries")
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("actor")
        batch.drop_column("purpose")
        batch.alter_column("recommendation", new_column_name="decision", type_=sa.String(32))
        batch.alter_column("request_id", type_=sa.String(64))
    op.rename_table("inquiries", "decisions")
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])
