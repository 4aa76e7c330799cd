"""Refunds and voids with four eyes: asked for by one person, decided by another (an Admin), paid back once."""
