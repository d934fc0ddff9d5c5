"""ResponseWatch: the send wrapper the middlewares share."""

from __future__ import annotations

from starlette.types import Message

from skill.web.asgi import ResponseWatch


async def test_it_passes_messages_on_and_notes_the_status() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    watch = ResponseWatch(send)
    assert not watch.started and watch.status_or(500) == 500
    await watch({"type": "http.response.start", "status": 201, "headers": []})
    await watch({"type": "http.response.body", "body": b"ok"})
    assert watch.started and watch.status == 201 and watch.status_or(500) == 201
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
