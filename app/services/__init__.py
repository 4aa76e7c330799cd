"""Use cases: one module per flow; the only layer that commits."""
