"""Drills with people in them: the live driver, its clock, its commands, replay."""
