"""Benchmarks behind `mestring bench`: one module per benchmark, found by name."""
