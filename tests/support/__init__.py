"""Test doubles and readers shared by every test folder, each written once.

- `http`: free ports and small threaded HTTP servers for the doubles below;
- `fake_openai`: a fake OpenAI-compatible chat-completions server (the language-model boundary);
- `proxy`: a recording proxy in front of the ticket API that can hold, lose or refuse requests;
- `sse`: reads /chat streams with cli.py's own SSE reader.

Import them as `from tests.support.fake_openai import ...`; the fixtures that start them are in
the root conftest.py.
"""
