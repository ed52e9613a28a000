"""The drill log: records and sinks, atomic files, the record checker."""
