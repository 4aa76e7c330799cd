"""Plumbing shared by the services: the clock, counters, conditional status changes, bulk SQL, XLSX streaming."""
