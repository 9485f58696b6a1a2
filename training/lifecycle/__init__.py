"""The model lifecycle: a champion in service, challengers compared with it, promotion through
a gate, rollback, and the records of each step (docs/lifecycle.md)."""
