"""Completing plain records without per-field machinery.

A monitor opening a long call asks for a thousand transcript lines of nine
scalar fields each. graphql-core completes every one of those nine thousand
fields on its own: a resolve-info object, the resolver, the completion
dispatch. When every selected field of an object is a plain attribute (no
resolver, no arguments, a scalar or enum type) the result is only each
attribute coerced for output, and this executor builds it that way. Anything
else, or any value that would be an error (a null in a non-null field, a
value the scalar rejects), takes graphql-core's path, so results and errors
are the same.
"""

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Plan = tuple[tuple[str, Callable[[Any], Any], Callable[[Any], Any], bool], ...]
"""Per field: response name, how to read it, the output coercion, whether null is allowed."""


def _plain(
    field: GraphQLField | None, has_arguments: bool
) -> tuple[Callable[[Any], Any], Callable[[Any], Any], bool] | None:
    resolve = field.resolve if field is not None else None
    if (
        field is None
        or resolve is None
        or has_arguments
        or field.args
        or not getattr(resolve, "_is_default", False)
    ):
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    definition = (field.extensions or {}).get("strawberry-definition")
    if definition is not None and definition.default_resolver is getattr:
        # What Strawberry's default resolver does, without its two calls in between.
        return attrgetter(definition.python_name), leaf.coerce_output_value, nullable
    return (lambda source: resolve(source, None)), leaf.coerce_output_value, nullable


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing objects of only plain scalar fields directly."""

    _plans: dict[int, tuple[GroupedFieldSet, Plan | None]] | None = None

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        plan = self._plan(parent_type, grouped_field_set)
        if plan is not None and source_value is not None:
            data = self._complete_plain(plan, source_value)
            if data is not None:
                return data
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    @staticmethod
    def _complete_plain(plan: Plan, source: Any) -> dict[str, Any] | None:
        """The object's result, or ``None`` when a field needs graphql-core's error handling."""
        data: dict[str, Any] = {}
        for name, read, coerce, nullable in plan:
            try:
                value = read(source)
                if value is None:
                    if not nullable:
                        return None
                    data[name] = None
                    continue
                coerced = coerce(value)
            except Exception:
                return None
            if coerced is None or coerced is Undefined:
                return None
            data[name] = coerced
        return data

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan | None:
        # graphql-core collects a list's item fields once, so one grouped field set
        # stands for every item: plan it once per execution, by identity.
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None
        if self._plans is None:
            self._plans = {}
        known = self._plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        plan: Plan | None = None
        steps = []
        for name, details in grouped_field_set.items():
            node = details[0].node
            field = parent_type.fields.get(node.name.value)
            plain = _plain(field, bool(node.arguments))
            if field is None or plain is None:
                break
            steps.append((name, *plain))
        else:
            plan = tuple(steps)
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan
