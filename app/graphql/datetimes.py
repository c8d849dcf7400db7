"""DateTime arguments must say their time zone.

GraphQL's DateTime scalar (ISO 8601) parses ``2026-01-01T00:00:00`` into a
datetime without a time zone, which the database layer refuses ("naive
datetime given to a UTC column"): the client's mistake surfaced as an
INTERNAL_SERVER_ERROR. ``AwareDateTimes`` on a field turns it into
BAD_USER_INPUT naming the argument, whether the value came as a literal, a
variable or a variable's default. ``tests/graphql/test_hostile_documents.py``
checks that every field taking a DateTime argument carries it.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from app.core.errors import InvalidInput


class AwareDateTimes(FieldExtension):
    field: StrawberryField

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    def _check(self, info: Info[Any, Any], kwargs: dict[str, Any]) -> None:
        for argument in self.field.arguments:
            value = kwargs.get(argument.python_name)
            if isinstance(value, datetime) and value.utcoffset() is None:
                name = info.schema.config.name_converter.from_argument(argument)
                raise InvalidInput(
                    name, f"{value.isoformat()} has no time zone; add one, e.g. {value.isoformat()}Z"
                )

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        self._check(info, kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        self._check(info, kwargs)
        return await next_(source, info, **kwargs)
