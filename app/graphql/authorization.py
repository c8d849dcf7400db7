"""Roles, checked for every operation before anything runs.

The operation's root fields are checked against ``app.auth.roles.PERMISSIONS``
before execution starts, so a denied mutation writes nothing and a denied
subscription never opens. Only the field names are read here, never argument
values: which campaigns a caller reaches is decided where rows are read and
written (``app.core.scope``), because re-deriving GraphQL's argument coercion
from the document misses spellings (variable defaults, for one).
"""

from collections.abc import AsyncIterator, Iterable, Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from app.auth.errors import Unauthenticated
from app.auth.principal import Principal
from app.auth.roles import allowed
from app.core.errors import Forbidden
from app.graphql.context import Context


def root_fields(document: DocumentNode, operation_name: str | None) -> list[FieldNode]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)),
        None,
    )
    if operation is None:
        return []
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return list(_fields(operation.selection_set, fragments, set()))


def _fields(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> Iterator[FieldNode]:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments, seen | {selection.name.value})


def checked_fields(document: DocumentNode, operation_name: str | None) -> tuple[str, ...]:
    """The root fields whose roles are checked: every one but introspection's."""
    fields = root_fields(document, operation_name)
    return tuple(f.name.value for f in fields if not f.name.value.startswith("__"))


def authorize(context: Context, fields: Iterable[str]) -> None:
    """Raise unless the caller's role may use every one of ``fields``."""
    if context.services.auth.disabled:
        return
    principal: Principal | None = None
    for name in fields:
        if principal is None:
            principal = require(context.principal, context.auth_error)
        if not allowed(principal.role, name):
            raise Forbidden(f"role {principal.role.value!r} may not use {name}", field=name)


class Authorization(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.graphql_document is not None:
            authorize(execution.context, checked_fields(execution.graphql_document, execution.operation_name))
        yield


def require(principal: Principal | None, error: Unauthenticated | None) -> Principal:
    if error is not None:
        raise error
    if principal is None:
        raise Unauthenticated("a bearer token is required: Authorization: Bearer <token>")
    return principal
