"""Bringing a database up: schema, roles, reference data, and demo data for development."""
