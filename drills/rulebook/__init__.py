"""The escalation rulebook: its condition language, its typed model and its loader."""
