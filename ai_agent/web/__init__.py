"""The agent's HTTP service: FastAPI app (app.py), /chat (chat.py), /health (health.py), SSE frames (sse.py)."""
