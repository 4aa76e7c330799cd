"""Settings administrators change in the back office: the chamber's details, schedules and policies."""
