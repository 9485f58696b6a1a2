"""The records: scoring inquiries, credit decisions in a hash chain, outcomes, API keys and
dashboard users, in one database changed only by Alembic migrations (docs/records.md)."""
