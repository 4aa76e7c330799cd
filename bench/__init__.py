"""Benchmarks at scale, each with its own data: back office (`python -m bench`), certificates, exports, jobs."""
