"""Emails and SMS: the outbox, bulk queueing, expiry reminders, and who hears about a company."""
