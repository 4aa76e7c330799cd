"""Pages anyone may open without logging in."""
