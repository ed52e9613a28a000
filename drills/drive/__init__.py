"""One way to drive a drill: set-up (files to config), batch runs, the live drill, its
clock and breaks, recorded inputs and replay, and the session (``session.py``) that owns the
loop of every drill with people in it. Every front end drives the world through here."""
