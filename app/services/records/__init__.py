"""Back-office care of chamber records: archiving instead of deleting, admin edits with a reason."""
