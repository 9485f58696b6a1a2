"""Load generation for the benchmarks and resilience tests: a locust user and its runner."""
