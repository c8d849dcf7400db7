"""``INTROSPECTION=false`` (the default with ``ENVIRONMENT=production``): no ``__schema`` or ``__type``.

A document whose operation selects either (fragments included) is refused before it is
validated, with ``INTROSPECTION_DISABLED``; ``__typename`` stays allowed everywhere. Clients
and code generators take the schema from ``schema.graphql`` instead.
"""

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from app.graphql.authorization import root_fields
from app.graphql.context import Context

SCHEMA_FIELDS = frozenset({"__schema", "__type"})


class Introspection(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if (
            isinstance(context, Context)
            and not context.settings.introspection_enabled
            and execution.pre_execution_errors is None
            and document is not None
            and any(
                field.name.value in SCHEMA_FIELDS for field in root_fields(document, execution.operation_name)
            )
        ):
            execution.pre_execution_errors = [
                GraphQLError(
                    "introspection is off on this server (INTROSPECTION): "
                    "the schema is published as schema.graphql",
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            ]
        yield
