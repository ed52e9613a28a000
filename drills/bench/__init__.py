"""``drill bench``: speed and memory figures, and the load test of ``drill serve``."""
