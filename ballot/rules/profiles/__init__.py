"""Registry of rule profiles, by name (docs/rules.md, “Hồ sơ quy tắc”).

Each regulation is its own module registering one `Profile`; adding one (for
example `366-2025`) means adding a module and a line below, never editing another.
"""

from __future__ import annotations

from datetime import date, datetime

from ballot.rules.profiles import hd21_2019, qd366_2025
from ballot.rules.profiles.base import (
    ExcellenceCapRule,
    LevelCap,
    MemberLevelCounts,
    Profile,
)

# A scenario that names no profile keeps 21-HD-2019 (the first schema's); a new
# meeting defaults to the profile in force on its date (`profile_in_force`).
DEFAULT_PROFILE = hd21_2019.NAME

# (first day in force, profile), oldest first. HD 43-HD/BTCTW, the guidance that
# makes QĐ 366 applicable to party members' reviews, is dated 31/10/2025.
IN_FORCE_FROM: tuple[tuple[date, str], ...] = (
    (date.min, hd21_2019.NAME),
    (date(2025, 10, 31), qd366_2025.NAME),
)

_REGISTRY: dict[str, Profile] = {}


def register(profile: Profile) -> None:
    if profile.name in _REGISTRY:
        raise ValueError(f"profile {profile.name!r} is already registered")
    _REGISTRY[profile.name] = profile


def get_profile(name: str) -> Profile:
    """The profile named `name`; KeyError if there is none."""
    return _REGISTRY[name]


def profile_names() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def profile_in_force(on: date) -> str:
    """The profile a review held on `on` follows by default (docs/rules.md, “Hồ sơ quy tắc”).

    21-HD-2019 before 2025-10-31, 366-2025 from 2025-10-31 on. (The 2023 texts,
    QĐ 124 and HD 25, have no profile: 21-HD-2019 stands in for them.)
    """
    if isinstance(on, datetime):
        on = on.date()
    if not isinstance(on, date):
        raise TypeError(f"profile_in_force needs a date, got {type(on).__name__}")
    name = IN_FORCE_FROM[0][1]
    for start, profile in IN_FORCE_FROM:
        if on >= start:
            name = profile
    return name


register(hd21_2019.PROFILE)
register(qd366_2025.PROFILE)

__all__ = [
    "DEFAULT_PROFILE",
    "ExcellenceCapRule",
    "LevelCap",
    "MemberLevelCounts",
    "Profile",
    "IN_FORCE_FROM",
    "get_profile",
    "profile_in_force",
    "profile_names",
    "register",
]
