"""The advisors' dashboard: explain a credit decision to a client, through the scoring API."""
