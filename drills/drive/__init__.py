"""One way to drive a drill: set-up (files to config), batch runs, the live drill, its
clock and breaks, recorded inputs and replay. Every front end drives the world through here."""
