"""Scoring: a pure function of a drill log and the rulebook."""
