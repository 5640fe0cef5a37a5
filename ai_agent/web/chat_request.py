"""What a /chat request asks for, checked once, for GET (query parameters) and POST (JSON body).

A request is a new `message` (with or without a `thread_id`), or a `confirm` answer ("yes" or
"no", any case) for the `thread_id` that asked. Every rule about the request's own shape lives
here; the rules that need the thread's state (is a confirmation pending?) are
Assistant.start_turn's. A refused request is an HTTPException: 400, or 413 for a message over the
limit, with a sentence the chat page and cli.py show as is.

Unknown fields are ignored, as they always were: a client sending a field this version does not
know (a newer client, or an extra like a client's own request id) still gets its turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, get_args

from fastapi import HTTPException
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from agent.assistant import THREAD_ID
from agent.confirmation import Answer

MAX_MESSAGE_CHARS = 8_000
ANSWERS: tuple[str, ...] = get_args(Answer)
# A wrong value of a field, whichever check caught it (its type, its alphabet), gets this sentence.
FIELD_SENTENCES = {
    "thread_id": "thread_id must be 1 to 128 letters, digits or the characters . _ : -",
    "confirm": f"confirm must be {' or '.join(ANSWERS)}",
    "message": "message must be a string",
}
NOT_JSON = 'the request body must be JSON like {"message": "..."}'
NOT_AN_OBJECT = 'the request body must be a JSON object like {"message": "..."}'


def _refused(sentence: str, status: int = 400) -> PydanticCustomError:
    return PydanticCustomError("chat_request", sentence, {"status": status})


def _thread_id(value: str) -> str:
    if not THREAD_ID.fullmatch(value):
        raise ValueError("not a thread id")  # answered with FIELD_SENTENCES["thread_id"]
    return value


def _answer(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class ChatRequest(BaseModel):
    """One turn asked for: a message, or the answer to a pending confirmation."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    thread_id: Annotated[str, AfterValidator(_thread_id)] | None = Field(
        None, description="the conversation; omitted: a new one (its id comes in the `end` event)")
    confirm: Annotated[Answer, BeforeValidator(_answer)] | None = Field(
        None, description="the answer to the thread's pending confirmation (needs thread_id)")
    message: Annotated[str, AfterValidator(str.strip)] | None = Field(
        None, description=f"what the person says, at most {MAX_MESSAGE_CHARS} characters")

    @model_validator(mode="after")
    def _one_kind_of_turn(self) -> ChatRequest:
        if self.confirm is not None:
            if self.message is not None:
                raise _refused("send either a message or confirm, not both")
            if self.thread_id is None:
                raise _refused("confirm needs the thread_id of the conversation that asked for it")
        elif not self.message:
            raise _refused("message is required")
        elif len(self.message) > MAX_MESSAGE_CHARS:
            raise _refused(
                f"message is too long: {len(self.message)} characters, at most {MAX_MESSAGE_CHARS} are allowed", 413)
        return self

    @classmethod
    def from_query(cls, parameters: Mapping[str, str]) -> ChatRequest:
        try:
            return cls.model_validate(dict(parameters))
        except ValidationError as error:
            raise _refusal(error.errors()[0]) from None

    @classmethod
    def from_json(cls, body: bytes) -> ChatRequest:
        try:
            return cls.model_validate_json(body)
        except ValidationError as error:
            raise _refusal(error.errors()[0]) from None


def _refusal(error: ErrorDetails) -> HTTPException:
    if error["type"] == "chat_request":
        return HTTPException(error["ctx"]["status"], error["msg"])
    if error["loc"]:
        return HTTPException(400, FIELD_SENTENCES[str(error["loc"][0])])
    return HTTPException(400, NOT_JSON if error["type"] == "json_invalid" else NOT_AN_OBJECT)
