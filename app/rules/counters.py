"""Named counters: the rule version every process compares with, the alert stream's next sequence."""

from app.core.store import Store
from app.rules.models import Counter


async def value(store: Store, name: str) -> int:
    row = await store.one(Counter, id=name)
    return row.value if row is not None else 0


async def advance(store: Store, name: str) -> int:
    """Move ``name`` on by one under its row lock, held to the commit: the next number is
    taken by one transaction at a time, in commit order."""
    row = await store.one(Counter, lock=True, id=name)
    if row is None:  # the migration seeds every counter; a database made otherwise starts here
        row = await store.insert(Counter(id=name, value=0))
    row.value += 1
    return row.value
