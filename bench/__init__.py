"""Benchmarks of Ghurfa at scale: a data generator and a back-office load test (`python -m bench`)."""
