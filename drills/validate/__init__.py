"""Validating rulebook changes: unit tests for rules (``drill test``)."""
