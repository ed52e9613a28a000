"""crisis-drills: rehearse social-media crises against a declarative escalation rulebook."""

__version__ = "0.1.0"
