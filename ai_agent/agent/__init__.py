"""The ticket agent: a LangGraph router over the ticket API (no web framework in here).

Start at assistant.py (the entry point the web service uses), then graph.py. Settings live in
settings.py, the ticket API client in ticket_client.py, the tools in tools.py, the model providers
in models.py and the offline rule-based model in offline.py / offline_rules.py.
"""
