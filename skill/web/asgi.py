"""ASGI pieces shared by the service's middlewares."""

from __future__ import annotations

from starlette.types import Message, Send


class ResponseWatch:
    """A ``send`` that passes every message on and notes the response's start: the
    request-log, metrics, catch-all and body-limit middlewares need its status, or whether
    headers already went out (then an error can no longer become an envelope)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        #: the status sent, None until the response starts
        self.status: int | None = None

    @property
    def started(self) -> bool:
        return self.status is not None

    def status_or(self, default: int = 500) -> int:
        """The status sent, or ``default`` when the app raised before sending one."""
        return default if self.status is None else self.status

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        await self._send(message)
