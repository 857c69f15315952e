"""The four quality levels (II.B.2.3) and the four criterion grades (II.B.2.5, Mẫu 02).

Levels compare by rank: HTXSNV > HTTNV > HTNV > KHTNV. They are a plain Enum with
explicit ordering, not a str Enum, so that "HTNV" < "HTTNV" can never silently mean
alphabetical order.
"""

from __future__ import annotations

from enum import Enum
from functools import total_ordering


@total_ordering
class Level(Enum):
    KHTNV = "KHTNV"
    HTNV = "HTNV"
    HTTNV = "HTTNV"
    HTXSNV = "HTXSNV"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    @property
    def vietnamese(self) -> str:
        return LEVEL_NAMES_VI[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank


_LEVEL_RANK = {Level.KHTNV: 0, Level.HTNV: 1, Level.HTTNV: 2, Level.HTXSNV: 3}

# Highest first: the order of ballots, tables and the counting rule.
LEVELS_DESCENDING: tuple[Level, ...] = (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)
HIGHEST_LEVEL = Level.HTXSNV
LOWEST_LEVEL = Level.KHTNV

LEVEL_NAMES_VI: dict[Level, str] = {
    Level.HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    Level.HTTNV: "Hoàn thành tốt nhiệm vụ",
    Level.HTNV: "Hoàn thành nhiệm vụ",
    Level.KHTNV: "Không hoàn thành nhiệm vụ",
}


def levels_at_or_above(level: Level) -> tuple[Level, ...]:
    return tuple(other for other in LEVELS_DESCENDING if other >= level)


@total_ordering
class Grade(Enum):
    """A criterion's self-assessed grade in Mẫu 02: Xuất sắc / Tốt / Trung bình / Kém."""

    KEM = "KEM"
    TRUNG_BINH = "TRUNG_BINH"
    TOT = "TOT"
    XUAT_SAC = "XUAT_SAC"

    @property
    def rank(self) -> int:
        return _GRADE_RANK[self]

    @property
    def vietnamese(self) -> str:
        return GRADE_NAMES_VI[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return self.rank < other.rank


_GRADE_RANK = {Grade.KEM: 0, Grade.TRUNG_BINH: 1, Grade.TOT: 2, Grade.XUAT_SAC: 3}

GRADE_NAMES_VI: dict[Grade, str] = {
    Grade.XUAT_SAC: "Xuất sắc",
    Grade.TOT: "Tốt",
    Grade.TRUNG_BINH: "Trung bình",
    Grade.KEM: "Kém",
}
