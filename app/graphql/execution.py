"""Completing plain records without per-field machinery.

A monitor opening a long call asks for a thousand transcript lines of nine
scalar fields each. graphql-core completes every one of those nine thousand
fields on its own: a resolve-info object, the resolver, the completion
dispatch. When every selected field of an object is a plain attribute (no
resolver, no arguments, a scalar or enum type) the result is only each
attribute coerced for output, and this executor builds it that way, a list of
such objects in one loop (graphql-core's per-item completion cost more than the
items' fields). Anything
else, or any value that would be an error (a null in a non-null field, a
value the scalar rejects), takes graphql-core's path, so results and errors
are the same.

How is in the adapters, since both halves are library internals: completing an
object directly is an override of graphql-core's executor
(``app.adapters.graphql_core.PlainFields``), and knowing that a field is a plain
attribute is knowing Strawberry's default resolver
(``app.adapters.strawberry.default_reader``).
"""

from app.adapters.graphql_core import PlainFields
from app.adapters.strawberry import StrawberryExecutor, default_reader


class PlainFieldsExecutor(PlainFields, StrawberryExecutor):
    """Strawberry's executor, completing objects of only plain scalar fields directly."""

    plain_reader = staticmethod(default_reader)
