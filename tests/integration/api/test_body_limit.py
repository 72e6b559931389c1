"""The body limit holds for bodies that declare no length (issue 14, point 2): an anonymous chunked POST is
refused with 413 as soon as its bytes pass the limit, not read whole into memory first."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any

from starlette.types import Message, Receive, Scope, Send

from kaoping.api.app import MAX_BODY, BodyLimit

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

CHUNK = 256 * 1024


def test_a_chunked_body_past_the_limit_is_413_without_being_read_whole(api: Api) -> None:
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(200 * 1024 * 1024 // CHUNK):  # 200 MB offered
            sent += CHUNK
            yield b"x" * CHUNK

    r = api.client.post("/api/auth/login", content=body(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"] == "request body too large"
    assert sent > MAX_BODY  # (the test client sends the whole body before the app runs; see the next test)


def run_alone(step: Coroutine[Any, Any, None]) -> None:
    """Run ``step`` to its end on a thread of its own: a Playwright test earlier in the same worker leaves an
    event loop running on this thread, where ``asyncio.run`` refuses to start."""
    failed: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(step)
        except BaseException as exc:  # handed back to the test's thread
            failed.append(exc)

    worker = threading.Thread(target=main)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]


def test_the_limit_stops_reading_at_the_limit() -> None:
    """At the ASGI level: an app that reads its whole body gets no more than the limit and a chunk."""
    pulled = 0

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": pulled < 100}  # 25 MB offered

    answers: list[Message] = []

    async def send(message: Message) -> None:
        answers.append(message)

    async def reads_everything(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise RuntimeError("the client went away")  # what a framework does with a body cut short
            if not message.get("more_body"):
                await send({"type": "http.response.start", "status": 200, "headers": []})
                await send({"type": "http.response.body", "body": b"read it all"})
                return

    scope: Scope = {"type": "http", "path": "/api/auth/login", "headers": [(b"transfer-encoding", b"chunked")]}
    run_alone(BodyLimit(reads_everything, limit=MAX_BODY)(scope, receive, send))
    assert answers[0]["status"] == 413
    assert pulled * CHUNK <= MAX_BODY + CHUNK


def test_a_chunked_body_within_the_limit_still_works(api: Api) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"username": "admin", '
        yield f'"password": "{api.PASSWORD}"}}'.encode()

    r = api.client.post("/api/auth/login", content=body(), headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
