"""Issuing membership certificates."""
