"""Argument checks shared by the services; each failure names the field.

The number checks refuse NaN and infinities whatever the bounds (NaN compares
false with everything, so a plain comparison would let it through).
"""

import math

from app.core.errors import InvalidInput


def number(value: float) -> str:
    """A bound as people write it: 3,600,000, 0.5, 1e+300."""
    return f"{value:,.15g}"


def in_range(field: str, value: float | None, low: float, high: float) -> None:
    if value is not None and not (math.isfinite(value) and low <= value <= high):
        raise InvalidInput(field, f"must be between {number(low)} and {number(high)}, got {number(value)}")


def above_and_at_most(field: str, value: float | None, low: float, high: float) -> None:
    """``low < value <= high``: for a period that must not be zero."""
    if value is not None and not (math.isfinite(value) and low < value <= high):
        raise InvalidInput(
            field, f"must be more than {number(low)} and at most {number(high)}, got {number(value)}"
        )


def not_negative(field: str, value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise InvalidInput(field, f"must not be negative, got {number(value)}")


def not_blank(field: str, value: str | None, *, max_length: int | None = None) -> None:
    if value is None:
        return
    if not value.strip():
        raise InvalidInput(field, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(field, f"must be at most {max_length} characters, got {len(value)}")
