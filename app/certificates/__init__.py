"""Membership certificates: the printed snapshot and its bilingual PDF."""
