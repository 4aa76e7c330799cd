"""Keeping the chamber's companies in step with the commercial registry: full and incremental sync."""
