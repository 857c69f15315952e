"""What a check of `ballot verify` found (docs/bundle.md, “Verifying a bundle”): the
outcome of one check and the problems it lists. Shared by the checks of every format
(ballot/report/verify.py, verify_encrypted.py) and of the đảng ủy's bundle
(ballot/report/committee.py)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 5  # problems named per check; the rest are counted


@dataclass(frozen=True)
class Outcome:
    ok: bool
    vi: str
    en: str
    status: str | None = None  # MANUAL where a person must compare


class Problems:
    """What a check found wrong, named up to MAX_LISTED times and counted."""

    def __init__(self) -> None:
        self.vi: list[str] = []
        self.en: list[str] = []

    def add(self, vi: str, en: str) -> None:
        self.vi.append(vi)
        self.en.append(en)

    def outcome(self, passed_vi: str, passed_en: str) -> Outcome:
        if not self.vi:
            return Outcome(True, passed_vi, passed_en)
        return Outcome(False, listed(self.vi, "vấn đề khác"), listed(self.en, "more"))


def listed(items: list[str], more: str) -> str:
    shown = "; ".join(items[:MAX_LISTED])
    rest = len(items) - MAX_LISTED
    return f"{shown}; … (+{rest} {more})" if rest > 0 else shown
