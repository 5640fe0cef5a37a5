"""Everything the agent knows about the ticket API, in one place.

- rules.py: statuses and their workflow, orderings, page size and field limits (held to the
  API's /api/schema/ by tests/agent/test_ticket_api_contract.py);
- models.py: tickets as typed values;
- client.py: the HTTP client (pooled, retried, idempotent creates, If-Match on writes);
- arguments.py, operations.py: the ticket operations (get, list, create, update, delete) as plain
  async functions with their argument schemas, for any front end (the assistant's tools, later an
  MCP server);
- refusals.py, formatting.py: API errors and tickets as text for a language model.
"""
