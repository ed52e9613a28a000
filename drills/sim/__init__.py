"""The drill: a SimPy world where the crisis, the rule engine and the team meet."""
