"""Authorization of every operation before anything runs.

The operation's root fields are checked against ``app.auth.roles.PERMISSIONS``
before execution starts, so a denied mutation writes nothing and a denied
subscription never opens. A token scoped to campaigns cannot reach a call of
another campaign through any root field that names a ``callId``: such a call
is reported as not found, so its existence does not leak either.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from app.auth.errors import Forbidden, Unauthenticated
from app.auth.principal import Principal
from app.auth.roles import allowed
from app.calls import reads
from app.calls.errors import call_not_found


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


def argument(field: FieldNode, name: str, variables: dict[str, Any] | None) -> Any:
    for node in field.arguments or ():
        if node.name.value == name:
            if isinstance(node.value, VariableNode):
                return (variables or {}).get(node.value.name.value)
            return value_from_ast_untyped(node.value, variables)
    return None


class Authorization(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if context.services.auth.disabled or execution.graphql_document is None:
            yield
            return
        fields = [
            f
            for f in root_fields(execution.graphql_document, execution.operation_name)
            if not f.name.value.startswith("__")
        ]
        if fields:
            principal = require(context.principal, context.auth_error)
            for field in fields:
                await self._check(principal, field, execution.variables)
        yield

    async def _check(self, principal: Principal, field: FieldNode, variables: dict[str, Any] | None) -> None:
        name = field.name.value
        if not allowed(principal.role, name):
            raise Forbidden(f"role {principal.role.value!r} may not use {name}", field=name)
        if principal.campaigns is None:
            return
        campaign_id = argument(field, "campaignId", variables)
        if campaign_id is not None and not principal.sees(str(campaign_id)):
            raise Forbidden(f"this token may not use campaign {campaign_id!r}", field="campaignId")
        if name == "startLiveCall" and campaign_id is None:
            raise Forbidden("a token scoped to campaigns must start calls in one of them", field="campaignId")
        call_id = argument(field, "callId", variables)
        if isinstance(call_id, str):
            async with self.execution_context.context.services.db.read() as session:
                call = await reads.get_call(session, call_id)
            if call is not None and not principal.sees(call.campaign_id):
                raise call_not_found(call_id)


def require(principal: Principal | None, error: Unauthenticated | None) -> Principal:
    if error is not None:
        raise error
    if principal is None:
        raise Unauthenticated("a bearer token is required: Authorization: Bearer <token>")
    return principal
