"""``drill play``'s front ends: a terminal UI and a line mode, over one console."""
