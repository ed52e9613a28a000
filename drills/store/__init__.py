"""The history store: every drill recorded in an embedded SQLite database."""
