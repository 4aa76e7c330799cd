"""Adapters to the outside world: each an interface, an embedded default and the real client."""
