"""The ticket agent: a LangGraph router over the ticket API (no web framework in here).

Start at assistant.py (the entry point the web service uses), then graph.py. Settings live in
settings.py, the run's context (its ticket client) in context.py, the tools in tools.py (a thin
front end over the ticket operations of the `ticket_api` package), the model providers in
models.py and the offline rule-based model in offline.py / offline_rules.py.
"""
