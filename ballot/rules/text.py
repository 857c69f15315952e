"""Vietnamese formatting for reason messages and the table (decimal comma,
dd/mm/yyyy dates, level names in quotes), shared by every profile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from ballot.rules.levels import Level


def quoted_level(level: Level) -> str:
    """A level's Vietnamese name in quotes, as the regulations write it."""
    return f"“{level.vietnamese}”"


def date_vi(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def number_vi(value: Fraction) -> str:
    """3 → "3"; 3/2 → "1,5" (decimal comma)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}".replace(".", ",")


def round_fraction(value: Fraction, places: int) -> Decimal:
    """Exact half-up rounding of a fraction to `places` decimals (no float on the way)."""
    scaled = value * 10**places
    # floor(scaled + 1/2) is half-up for the non-negative values used here.
    whole = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return Decimal(whole).scaleb(-places)


def percent_vi(value: Fraction, places: int = 2) -> str:
    """0.86956… → "86,96%"; 1/2 → "50%"; trailing zeros after the comma are dropped."""
    rounded = round_fraction(value * 100, places)
    text = f"{rounded:.{places}f}".rstrip("0").rstrip(".") if places else f"{rounded}"
    return text.replace(".", ",") + "%"


def threshold_vi(value: Fraction) -> str:
    """A threshold as it was set: 1/2 → "50%", 0.6667 → "66,67%", but 2/3 → "2/3",
    since a rounded percentage would misstate a share that is exactly two thirds."""
    percent = value * 100
    if (percent * 100).denominator == 1:
        return percent_vi(value)
    return f"{value.numerator}/{value.denominator}"


def count_of(part: int, whole: int) -> str:
    """ "20/23 (86,96%)", or "0/0" when there is nothing to divide by."""
    if whole == 0:
        return f"{part}/0"
    return f"{part}/{whole} ({percent_vi(Fraction(part, whole))})"


def votes_of(part: int, whole: int) -> str:
    """ "20/23 phiếu (86,96%)", or "0/0 phiếu" when there is nothing to divide by."""
    if whole == 0:
        return f"{part}/0 phiếu"
    return f"{part}/{whole} phiếu ({percent_vi(Fraction(part, whole))})"
