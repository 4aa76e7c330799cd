"""Benchmarks and load tests, each with its own data generator."""
