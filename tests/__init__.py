"""The whole-stack tests, and `tests.support`: the helpers every test folder shares.

A regular package (this file) on purpose: `ticket_system/tests` and `ai_agent/tests` have no
`__init__.py`, so they can only ever be namespace portions of the name `tests`, and Python always
prefers a regular package over namespace portions, wherever each sits on sys.path. `tests`
therefore always means this folder (the root conftest puts the repository root on sys.path).
"""
