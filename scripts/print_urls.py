"""Print where the services answer once `make run` starts them (ports from API_PORT and AGENT_PORT)."""

import os

api = f"http://127.0.0.1:{os.environ.get('API_PORT') or '8000'}"
agent = f"http://127.0.0.1:{os.environ.get('AGENT_PORT') or '8100'}"
print(f"""
  Ticket API   {api}/api/tickets/
  API docs     {api}/api/docs/
  Admin        {api}/admin/        (create a user with: make superuser)
  API health   {api}/api/health/
  Chat page    {agent}/
  Agent stream {agent}/chat?message=list%20tickets   (or: python ai_agent/cli.py "list tickets")
  Agent health {agent}/health
  Stop both with Ctrl+C.
""", flush=True)
