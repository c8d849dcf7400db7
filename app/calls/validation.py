"""Argument checks shared by the services; each failure names the field."""

from app.core.errors import InvalidInput


def in_range(field: str, value: float | None, low: float, high: float) -> None:
    if value is not None and not low <= value <= high:
        raise InvalidInput(field, f"must be between {low:g} and {high:g}, got {value:g}")


def not_negative(field: str, value: float | None) -> None:
    if value is not None and value < 0:
        raise InvalidInput(field, f"must not be negative, got {value:g}")


def not_blank(field: str, value: str | None, *, max_length: int | None = None) -> None:
    if value is None:
        return
    if not value.strip():
        raise InvalidInput(field, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(field, f"must be at most {max_length} characters, got {len(value)}")
