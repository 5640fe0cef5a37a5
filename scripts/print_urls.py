"""Print where the running services answer (ports from API_PORT and AGENT_PORT)."""

import os

api = f"http://127.0.0.1:{os.environ.get('API_PORT', '8000')}"
print(f"""
  Ticket API     {api}/api/tickets/
  API docs       {api}/api/docs/
  Admin          {api}/admin/   (create a user: make superuser)
  API health     {api}/api/health/
  Stop with Ctrl+C.
""", flush=True)
