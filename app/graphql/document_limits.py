"""The work one document may cost, bounded before it is parsed and before it is validated.

Parsing is bounded by the document's length, checked before anything reads it,
and by its tokens (MaxTokensLimiter's bound, lowered here for anonymous callers).
Validation is bounded by the document's measured cost (``app.graphql.document_cost``):
its chains of fragment spreads, its selections counted by use, its root fields
and an estimate of the comparisons the overlapping-fields check would make. A
document over a bound gets one GRAPHQL_VALIDATION_FAILED error naming the
bound, and validation (with Strawberry's recursive depth limiter) never sees
it. What the estimate misses, graphql-core's own budget for that check
(``MAX_COMPLEXITY_BUDGET``, set through ``app.adapters.graphql_core``) stops during
validation; its terse "Validation aborted." is explained here.

A caller without a valid token, with authentication on, can only introspect
(every other root field is UNAUTHENTICATED), so it gets introspection-sized
bounds: a shorter document, fewer tokens and fewer selections. Four anonymous
clients sending 5,000-token documents back to back (parsed and validated in
about 100 ms each) kept an authenticated query waiting for seconds.
"""

import weakref
from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension

from app.adapters.graphql_core import is_validation_aborted, set_overlapping_fields_budget
from app.core.config import Settings
from app.graphql.context import Context
from app.graphql.document_cost import SATURATED, Cost, measure

DEFAULTS = Settings.model_construct()
"""The bounds outside the app (a bare ``schema.execute`` without our Context): the defaults."""


_measured: dict[int, tuple[weakref.ref[DocumentNode], tuple[int, int], Cost]] = {}
"""Each living document's cost, by ``id``: a cached document is measured once, not per request."""


def cost_of(document: DocumentNode, *, max_selections: int, max_fragment_depth: int) -> Cost:
    key, bounds = id(document), (max_selections, max_fragment_depth)
    known = _measured.get(key)
    if known is not None and known[0]() is document and known[1] == bounds:
        return known[2]
    cost = measure(document, max_selections=max_selections, max_fragment_depth=max_fragment_depth)
    # The entry leaves with its document (CPython frees it, and runs this, before reusing its id).
    _measured[key] = (weakref.ref(document, lambda _: _measured.pop(key, None)), bounds, cost)
    return cost


def _with_a_token(anonymous: bool, with_one: int, without: int) -> str:
    return f" without a token ({with_one} with one)" if anonymous and with_one > without else ""


def _explained(settings: Settings) -> GraphQLError:
    return _refused(
        "Validation aborted: the document is too costly to validate (more than "
        f"{settings.max_field_comparisons} comparisons of fields with one name in one selection "
        "set, or fragments spread in too many places)"
    )


def _refused(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})


class DocumentLimits(SchemaExtension):
    def _bounds(self) -> tuple[Settings, bool]:
        """The settings, and whether the caller is anonymous (no valid token, auth on)."""
        context = self.execution_context.context
        if not isinstance(context, Context):
            return DEFAULTS, False
        return context.settings, context.principal is None and not context.services.auth.disabled

    def on_operation(self) -> Iterator[None]:
        """After MaxTokensLimiter's, so an anonymous caller's lower token bound wins."""
        settings, anonymous = self._bounds()
        if anonymous:
            options = self.execution_context.parse_options
            tokens = options.get("max_tokens")
            options["max_tokens"] = min(
                tokens or settings.anonymous_max_tokens, settings.anonymous_max_tokens
            )
        yield

    def on_parse(self) -> Iterator[None]:
        # Checked here rather than with graphql-core's max_source_length, whose error spends
        # 12 ms finding the line and column of character 100,001 in a 900 KB document. Raised
        # from a hook, it reaches the client as this error, through Strawberry's own handling.
        settings, anonymous = self._bounds()
        longest = settings.anonymous_max_query_length if anonymous else settings.max_query_length
        query = self.execution_context.query or ""
        if len(query) > longest:
            raise GraphQLError(
                f"Syntax Error: the document is {len(query)} characters long; at most {longest} "
                f"are allowed{_with_a_token(anonymous, settings.max_query_length, longest)}",
                extensions={"code": "GRAPHQL_PARSE_FAILED"},
            )
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        settings, anonymous = self._bounds()
        if execution.pre_execution_errors is None and execution.graphql_document is not None:
            try:
                refusal = self._check(settings, anonymous)
            except GraphQLError as error:  # an unknown fragment, a fragment cycle
                refusal = error
            if refusal is not None:
                execution.pre_execution_errors = [refusal]
        # The estimate above can miss what graphql-core counts exactly while it validates:
        # its documented budget (read as the rule starts) stops it there. Two units a comparison.
        set_overlapping_fields_budget(2 * settings.max_field_comparisons)
        yield
        errors = execution.pre_execution_errors
        if errors and any(is_validation_aborted(error) for error in errors):
            # In place: Strawberry already holds this list for the response.
            errors[:] = [_explained(settings) if is_validation_aborted(error) else error for error in errors]

    def _check(self, settings: Settings, anonymous: bool) -> GraphQLError | None:
        document = self.execution_context.graphql_document
        assert document is not None
        most = settings.anonymous_max_selections if anonymous else settings.max_selections
        # Measured within the larger bound, the cost serves every caller of this document.
        widest = max(settings.max_selections, settings.anonymous_max_selections)
        cost = cost_of(document, max_selections=widest, max_fragment_depth=settings.max_fragment_depth)
        if cost.fragment_depth > settings.max_fragment_depth:
            return _refused(
                f"fragment spreads are chained {cost.fragment_depth} deep (a fragment spreading one "
                f"that spreads another …); at most {settings.max_fragment_depth} are allowed"
            )
        if cost.selections > most:
            count = f"more than {SATURATED}" if cost.selections >= SATURATED else str(cost.selections)
            return _refused(
                f"this document makes {count} selections (fields, fragment spreads and inline "
                f"fragments, a fragment's counted at each spread); at most {most} are allowed"
                f"{_with_a_token(anonymous, settings.max_selections, most)}"
            )
        if cost.root_fields > settings.max_root_fields:
            return _refused(
                f"an operation selects {cost.root_fields} root fields (fragments included); "
                f"at most {settings.max_root_fields} are allowed"
            )
        if cost.field_pairs > settings.max_field_comparisons:
            return _refused(
                "fields with the same name repeat too often in one selection set: checking that "
                f"they can be merged would take about {cost.field_pairs} comparisons; at most "
                f"{settings.max_field_comparisons} are allowed (select each field once)"
            )
        return None
