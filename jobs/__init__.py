"""Scheduled jobs: the scheduler process and one thin entry point per job, each calling one service."""
