"""Running scheduled jobs: one run at a time per job, each run recorded."""
