"""Slowing down guesses of personal codes: after too many wrong codes from one
address, joining from it is refused for a while (HTTP 429). Counts live in memory
only and only for failed joins: nothing here ever sees a ballot."""

from __future__ import annotations

import threading
import time
from collections import deque

from ballot.services.errors import ServiceError

MAX_FAILURES = 10
WINDOW_SECONDS = 60.0


class FailureLimiter:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        with self._lock:
            recent = self._recent(key)
            if len(recent) >= self.max_failures:
                wait = int(recent[0] + self.window - time.monotonic()) + 1
                raise ServiceError(
                    "too_many_attempts",
                    f"Nhập sai mã quá nhiều lần. Hãy đợi {wait} giây rồi thử lại, "
                    "hoặc nhờ chủ tọa xác nhận.",
                    429,
                )

    def failed(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(time.monotonic())

    def _recent(self, key: str) -> deque[float]:
        recent = self._failures.setdefault(key, deque())
        while recent and recent[0] <= time.monotonic() - self.window:
            recent.popleft()
        return recent
