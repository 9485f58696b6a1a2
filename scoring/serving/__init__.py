"""Serving: request models, plain-language reasons, audit trail, portfolio, scoring engine."""
