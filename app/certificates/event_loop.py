"""pyHanko's blocking calls run an asyncio loop of their own, which cannot start where one is already running."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def outside_event_loop(work: Callable[[], T]) -> T:
    """`work()` here, or in a thread of its own when this thread already runs an event loop
    (an async server, a browser driver in the same process): asyncio.run() refuses a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ghurfa-signing") as pool:
        return pool.submit(work).result()
