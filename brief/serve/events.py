"""Server-Sent Events: every open page holds one stream; a rebuild sends one event to all."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field


@dataclass
class Broadcaster:
    clients: set[queue.Queue[str | None]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The current error, sent at once to a page that connects while the site is broken.
    error: dict | None = None
    epoch: int = 0

    def subscribe(self) -> queue.Queue[str | None]:
        channel: queue.Queue[str | None] = queue.Queue()
        with self.lock:
            self.clients.add(channel)
            if self.error is not None:
                channel.put(self._format("error", self.error))
        return channel

    def unsubscribe(self, channel: queue.Queue[str | None]) -> None:
        with self.lock:
            self.clients.discard(channel)

    def send(self, event: str, data: dict | None = None) -> None:
        with self.lock:
            if event == "error":
                self.error = data
            elif event in ("reload", "css"):
                self.error = None
                self.epoch += 1
            message = self._format(event, data or {"epoch": self.epoch})
            for channel in self.clients:
                channel.put(message)

    def close(self) -> None:
        with self.lock:
            for channel in self.clients:
                channel.put(None)

    @staticmethod
    def _format(event: str, data: dict) -> str:
        return f"event: {event}\ndata: {json.dumps(data)}\n\n"
