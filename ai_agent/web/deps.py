"""The one Assistant of the process, created by the app's lifespan and shared by every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from agent.assistant import Assistant


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
