"""Paying for service requests: placing orders, checkout at the gateway, replies, settlement, reconciliation."""
