"""The ``drill`` command line: thin commands over library functions."""
