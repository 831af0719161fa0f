"""Reliability-testing tools (kill loops, fault injection) for tests and `mestring bench`."""
