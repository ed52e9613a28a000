"""Placeholder replaced below."""
from drills.live.console import Console


def run_tui(console: Console) -> None:
    raise NotImplementedError
