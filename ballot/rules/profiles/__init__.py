"""Registry of rule profiles, by name (DESIGN 2.7).

Each regulation is its own module registering one `Profile`; adding one (for
example `366-2025`) means adding a module and a line below, never editing another.
"""

from __future__ import annotations

from ballot.rules.profiles import hd21_2019
from ballot.rules.profiles.base import (
    ExcellenceCapRule,
    LevelCap,
    MemberLevelCounts,
    Profile,
)

DEFAULT_PROFILE = hd21_2019.NAME

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


register(hd21_2019.PROFILE)

__all__ = [
    "DEFAULT_PROFILE",
    "ExcellenceCapRule",
    "LevelCap",
    "MemberLevelCounts",
    "Profile",
    "get_profile",
    "profile_names",
    "register",
]
