"""Slowing down guesses: of a host's password, and of members' personal codes.

Each attempt is counted *before* it is checked, under one lock, and taken back if it
succeeds: forty guesses sent at once meet the limit as forty, not as none. Past the
limit, every further failure doubles the wait (up to `longest`). Counts live in memory
only and only for failures: nothing here ever sees a ballot.

The keys are what an attacker cannot shed cheaply and a room does not share: a host
account, a meeting, a phone's device cookie, and (generously, since a whole room may sit
behind one Wi-Fi address) the address.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from ballot.services.errors import ServiceError


@dataclass(frozen=True)
class Rule:
    limit: int  # failures allowed within `window` seconds before waiting starts
    window: float
    longest: float = 900.0  # the longest wait, however many failures


class TooMany(ServiceError):
    def __init__(self, wait: int, message: str) -> None:
        super().__init__("too_many_attempts", message.format(wait=wait), 429)
        self.wait = wait


class Attempts:
    def __init__(self, rules: dict[str, Rule], message: str) -> None:
        self.rules = rules
        self.message = message  # Vietnamese, with {wait} seconds
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._blocked_until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def begin(self, **keys: str) -> Ticket:
        """Count an attempt for each key (`kind=value`, kinds from the rules), or refuse
        with 429 if one of them must wait."""
        now = time.monotonic()
        entries = [(kind, value) for kind, value in keys.items() if value]
        with self._lock:
            wait = max((self._wait(entry, now) for entry in entries), default=0.0)
            if wait > 0:
                raise TooMany(int(wait) + 1, self.message)
            for entry in entries:
                self._record(entry, now)
        return Ticket(self, entries, now)

    def _wait(self, entry: tuple[str, str], now: float) -> float:
        return max(0.0, self._blocked_until.get(entry, 0.0) - now)

    def _record(self, entry: tuple[str, str], now: float) -> None:
        rule = self.rules[entry[0]]
        failures = self._failures.setdefault(entry, deque())
        while failures and failures[0] <= now - rule.window:
            failures.popleft()
        failures.append(now)
        excess = len(failures) - rule.limit
        if excess >= 0:
            # At the limit: wait out the window's share, then twice as long for each more.
            self._blocked_until[entry] = now + min(rule.longest, rule.window / rule.limit * 2 ** excess)

    def _take_back(self, entries: list[tuple[str, str]], at: float) -> None:
        with self._lock:
            for entry in entries:
                failures = self._failures.get(entry)
                if failures and at in failures:
                    failures.remove(at)
                if len(failures or ()) < self.rules[entry[0]].limit:
                    self._blocked_until.pop(entry, None)  # the block was this success's own count

    def forget(self, **keys: str) -> None:
        """A success clears the account's (or device's) record: the right password
        after a few typos starts afresh."""
        with self._lock:
            for entry in keys.items():
                self._failures.pop(entry, None)
                self._blocked_until.pop(entry, None)


@dataclass
class Ticket:
    attempts: Attempts
    entries: list[tuple[str, str]]
    at: float

    def succeeded(self) -> None:
        self.attempts._take_back(self.entries, self.at)
