"""Helpers shared by the test modules (the only test code another test module imports)."""
