"""What a parsed document will cost to validate, measured in time linear in it, without recursion.

Validation is where a small document can cost the most. graphql-core's
OverlappingFieldsCanBeMerged compares every pair of fields that share a
response name in one selection set, and the pair's sub-selections with each
other: 555 ``liveCall(callId: …)`` fields (17 KB, under the token limit) took
seconds. Strawberry's QueryDepthLimiter recurses once per fragment spread
(RecursionError at about 300 chained fragments) and walks every path through
reused fragments: a fragment spreading the next one twice, 18 levels deep, is
262,144 paths in 700 bytes; ten fragments spreading each other are millions.

``measure`` walks the document once, with an explicit stack, memoising what
each selection set holds, so the schema can refuse such a document before
validation sees it (``app.graphql.document_limits``).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
)

SATURATED = 2**40
"""Counts stop growing here: a fragment bomb's true size is astronomically larger and irrelevant."""


@dataclass(frozen=True)
class Cost:
    selections: int
    """Fields, fragment spreads and inline fragments, a fragment's counted at each spread
    (and once if it is spread nowhere)."""
    fragment_depth: int
    """The longest chain of fragment spreads."""
    root_fields: int
    """The most root fields of one operation, fields reached through fragments included."""
    field_pairs: int
    """An estimate of the overlapping-fields check's comparisons: for every two fields with one
    response name in one selection set (fragments spread into it opened), the product of their
    sizes, a field's size being 1 and the selections written below it (a spread counts 1: the
    check compares two spreads of one fragment once per document, not at every pair)."""


@dataclass(frozen=True)
class _Set:
    selections: int  # selections below this set, by use
    written: int  # selections below this set as written, a fragment spread counting 1
    depth: int  # fragment spreads below this set, at most, one after another


def measure(document: DocumentNode, *, max_selections: int, max_fragment_depth: int) -> Cost:
    """The cost of ``document``; raises GraphQLError for an unknown fragment or a fragment cycle,
    which validation would report too, but only after the depth limiter walked into them.

    ``root_fields`` and ``field_pairs`` are measured only for a document within both bounds
    given (else they are 0): that keeps the walk linear in the document's selections.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    sets = _summarise(document, fragments)
    used = _spread_somewhere(operations, fragments)
    selections = sum(sets[id(o.selection_set)].selections for o in operations) + sum(
        sets[id(f.selection_set)].selections for name, f in fragments.items() if name not in used
    )
    depth = max((s.depth for s in sets.values()), default=0)
    cost = Cost(min(selections, SATURATED), depth, 0, 0)
    if cost.selections > max_selections or depth > max_fragment_depth:
        return cost
    root_fields = max(
        (sum(1 for _ in _level(o.selection_set, fragments, sets)) for o in operations), default=0
    )
    pairs = sum(_pairs(selection_set, fragments, sets) for selection_set in _field_level_sets(document))
    return Cost(cost.selections, depth, root_fields, pairs)


def _below(selection: SelectionNode, fragments: dict[str, FragmentDefinitionNode]) -> SelectionSetNode | None:
    if isinstance(selection, FieldNode | InlineFragmentNode):
        return selection.selection_set
    if isinstance(selection, FragmentSpreadNode):
        fragment = fragments.get(selection.name.value)
        if fragment is None:
            raise GraphQLError(f"Unknown fragment '{selection.name.value}'.", selection)
        return fragment.selection_set
    return None


def _summarise(document: DocumentNode, fragments: dict[str, FragmentDefinitionNode]) -> dict[int, _Set]:
    """Every selection set's summary by ``id``, children before parents (an iterative post-order)."""
    done: dict[int, _Set] = {}
    open_sets: set[int] = set()  # the sets whose summary waits for their children: the current path
    stack: list[tuple[SelectionSetNode, bool]] = [
        (d.selection_set, False)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            selections = written = depth = 0
            for selection in node.selections:
                selections += 1
                written += 1
                below = _below(selection, fragments)
                if below is not None:
                    child = done[id(below)]
                    spread = isinstance(selection, FragmentSpreadNode)
                    selections += child.selections
                    written += 0 if spread else child.written
                    depth = max(depth, child.depth + spread)
            done[id(node)] = _Set(min(selections, SATURATED), written, depth)
            open_sets.discard(id(node))
            continue
        if id(node) in done:
            continue
        open_sets.add(id(node))
        stack.append((node, True))
        for selection in node.selections:
            below = _below(selection, fragments)
            if below is None or id(below) in done:
                continue
            if id(below) in open_sets:  # only a spread can lead back to an open set
                assert isinstance(selection, FragmentSpreadNode)
                name = selection.name.value
                raise GraphQLError(f"Cannot spread fragment '{name}' within itself.", selection)
            stack.append((below, False))
    return done


def _spread_somewhere(
    operations: list[OperationDefinitionNode], fragments: dict[str, FragmentDefinitionNode]
) -> set[str]:
    """The fragments an operation reaches: the others are counted once, as validation visits them."""
    used: set[str] = set()
    stack = [o.selection_set for o in operations]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                if selection.name.value in used:
                    continue
                used.add(selection.name.value)
            below = _below(selection, fragments)
            if below is not None:
                stack.append(below)
    return used


def _level(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], sets: dict[int, _Set]
) -> Iterator[tuple[str, int]]:
    """The fields of one level as validation merges them: inline fragments and spread fragments
    opened (each fragment once), as (response name, size) pairs."""
    seen: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                name = selection.alias.value if selection.alias else selection.name.value
                below = selection.selection_set
                yield name, 1 + (sets[id(below)].written if below is not None else 0)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                stack.append(fragments[selection.name.value].selection_set)


def _pairs(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], sets: dict[int, _Set]
) -> int:
    sums: dict[str, tuple[int, int]] = {}
    for name, size in _level(selection_set, fragments, sets):
        total, squares = sums.get(name, (0, 0))
        sums[name] = (total + size, squares + size * size)
    return sum((total * total - squares) // 2 for total, squares in sums.values())


def _field_level_sets(document: DocumentNode) -> Iterator[SelectionSetNode]:
    """Every selection set that is a level of its own: an operation's, a fragment's, a field's
    (an inline fragment's belongs to the level it is in)."""
    stack = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while stack:
        selection_set = stack.pop()
        yield selection_set
        pending = list(selection_set.selections)
        while pending:
            selection = pending.pop()
            if isinstance(selection, FieldNode) and selection.selection_set is not None:
                stack.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.extend(selection.selection_set.selections)
