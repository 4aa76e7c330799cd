"""The audit trail: the hash-chained log of every change, its verification, and reading it by record names."""
