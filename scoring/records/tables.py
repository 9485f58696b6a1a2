"""The records database: one SQLAlchemy metadata, changed only by Alembic migrations.

What each table keeps, and why it is enough (GDPR data minimisation):

- ``inquiries``: every scoring call (/predict, /explain, /predict_batch): who asked, when,
  why (``purpose``), on which model, the SHA-256 of the input and the result. Never a
  decision, never an input value.
- ``decisions``: the credit decisions people and systems record (``POST /decisions``), each
  linked to the previous one by a hash chain (:mod:`scoring.records.chain`). A revision is a
  new row pointing at the row it revises; no row is ever updated.
- ``chain_head``: the last link of that chain, written in the same transaction as each
  decision, so that deleting the newest decisions is detected too.
- ``purged_links``: what a retention or erasure purge removed from the chain (sequence number,
  decision id and hash, nothing personal), so that the chain still verifies after it.
- ``outcomes``: whether a granted credit was repaid or defaulted, for monitoring.
- ``drift_counts``: per time window, model and worker process, how many applications fell in
  each reference bin of each feature and of the score (:mod:`scoring.monitoring`). Counts
  only: no value, no client, no request.
- ``shadow_scores``: for each real application a shadow challenger also scored, both models'
  probabilities and thresholds, linked to the inquiry by its request id; never returned to
  the caller, kept to measure how often the two would decide differently.
- ``api_keys`` and ``users``: who may call the API, and who may sign in to the dashboard;
  secrets are argon2 hashes only.

Times are fixed-width ISO 8601 UTC text (:func:`scoring.records.clock.timestamp`): they sort as
text and read the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

# Index names are fixed so that migrations can name them on every database.
metadata = MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_N_name)s"})

ID = 32  # request and decision ids: 32 hex digits, time-ordered
HASH = 64  # SHA-256 hex
ACTOR = 120  # "user:<name>", "key:<id>", "key:<id> for user:<name>", "token:bootstrap"
TIME = 40

INQUIRIES = Table(
    "inquiries",
    metadata,
    Column("request_id", String(ID), primary_key=True),
    Column("created_at", String(TIME), nullable=False),
    Column("endpoint", String(32), nullable=False),
    # application, what-if or view; "unrecorded" for the calls of the first release, which
    # kept no purpose (they were logged as decisions: migration 0002).
    Column("purpose", String(16), nullable=False),
    Column("actor", String(ACTOR), nullable=False),
    Column("model_tag", String(200), nullable=False),
    Column("threshold", Double, nullable=False),
    Column("input_hash", String(HASH), nullable=False),
    Column("client_id", BigInteger, nullable=True),
    Column("probability", Double, nullable=False),
    Column("recommendation", String(16), nullable=False),
    Column("reasons", Text, nullable=True),  # JSON list of reason codes, when reasons were given
    Column("language", String(8), nullable=False),
    Index(None, "created_at"),
    Index(None, "client_id"),
)

DECISIONS = Table(
    "decisions",
    metadata,
    # The chain's order: a decision's row hash covers the previous row's (seq - 1, unless purged).
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("decision_id", String(ID), nullable=False, unique=True),
    Column("created_at", String(TIME), nullable=False),
    Column("client_id", BigInteger, nullable=False),
    Column("input_hash", String(HASH), nullable=False),
    Column("model_tag", String(200), nullable=False),
    Column("threshold", Double, nullable=False),
    Column("review_band", Double, nullable=False),
    Column("probability", Double, nullable=False),
    Column("recommendation", String(16), nullable=False),  # granted, refused or review
    Column("final_decision", String(16), nullable=False),  # granted or refused
    Column("decided_by", String(ACTOR), nullable=False),
    Column("reason", String(40), nullable=True),  # an override reason code (OVERRIDE_REASONS)
    Column("note", Text, nullable=True),  # the person's free text, when given
    Column("reason_codes", Text, nullable=False),  # JSON: the model's principal reasons
    Column("language", String(8), nullable=False),
    Column("idempotency_key", String(128), nullable=False, unique=True),
    # A decision is revised at most once: two concurrent revisions cannot both be current.
    Column("revises", String(ID), nullable=True, unique=True),
    Column("prev_hash", String(HASH), nullable=False),
    Column("row_hash", String(HASH), nullable=False),
    Index(None, "client_id"),
    Index(None, "created_at"),
)

CHAIN_HEAD = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("seq", Integer, nullable=False),
    Column("row_hash", String(HASH), nullable=False),
)

PURGED_LINKS = Table(
    "purged_links",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("decision_id", String(ID), nullable=False),
    Column("row_hash", String(HASH), nullable=False),
    Column("purged_at", String(TIME), nullable=False),
    Column("purged_by", String(ACTOR), nullable=False),
    Column("why", String(16), nullable=False),  # retention or erasure
)

OUTCOMES = Table(
    "outcomes",
    metadata,
    Column("decision_id", String(ID), primary_key=True),
    Column("outcome", String(16), nullable=False),  # repaid or defaulted
    Column("outcome_date", String(10), nullable=False),  # YYYY-MM-DD
    Column("recorded_at", String(TIME), nullable=False),
    Column("recorded_by", String(ACTOR), nullable=False),
    Column("source", String(200), nullable=False),  # the imported file's name
)

DRIFT_COUNTS = Table(
    "drift_counts",
    metadata,
    Column("window_start", String(TIME), primary_key=True),
    Column("model_tag", String(200), primary_key=True),
    Column("worker", String(ID), primary_key=True),  # one process's run: its counts grow
    Column("applications", Integer, nullable=False),
    Column("counts", Text, nullable=False),  # JSON: one list per feature then the score
    Column("updated_at", String(TIME), nullable=False),
)

SHADOW_SCORES = Table(
    "shadow_scores",
    metadata,
    Column("request_id", String(ID), primary_key=True),  # the inquiry's
    Column("challenger_tag", String(200), primary_key=True),
    Column("created_at", String(TIME), nullable=False),
    Column("champion_tag", String(200), nullable=False),
    Column("champion_probability", Double, nullable=False),
    Column("champion_threshold", Double, nullable=False),
    Column("challenger_probability", Double, nullable=False),
    Column("challenger_threshold", Double, nullable=False),
    Index(None, "created_at"),
)

API_KEYS = Table(
    "api_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("scopes", String(200), nullable=False),  # space-separated, as OAuth writes them
    Column("secret_hash", String(200), nullable=False),
    # After a rotation the previous secret keeps working until ``previous_until``, so that
    # callers switch without a failed request.
    Column("previous_hash", String(200), nullable=True),
    Column("previous_until", String(TIME), nullable=True),
    Column("created_at", String(TIME), nullable=False),
    Column("rotated_at", String(TIME), nullable=True),
    Column("revoked_at", String(TIME), nullable=True),
)

USERS = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(16), nullable=False),  # advisor or supervisor
    Column("password_hash", String(200), nullable=False),
    Column("created_at", String(TIME), nullable=False),
    Column("disabled_at", String(TIME), nullable=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", String(TIME), nullable=True),
)
