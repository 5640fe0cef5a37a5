"""End-to-end evaluations of the agent: scenarios.yaml run over /chat by run.py (see README.md)."""
