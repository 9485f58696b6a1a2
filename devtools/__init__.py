"""Tooling shared by tests, benchmarks and scripts; never imported by the product."""
