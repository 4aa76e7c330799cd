"""The audit trail: the hash-chained log of every change, and its verification."""
