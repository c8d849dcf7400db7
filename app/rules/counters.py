"""Named counters: the rule version every process compares with, the alert stream's next sequence."""

from app.core.store import Store
from app.rules.models import Counter


async def value(store: Store, name: str, *, once: bool = False) -> int:
    """The counter's value; with ``once``, read once per transaction (``Store.memo``), for a
    counter this transaction only reads."""
    key = (Counter, name)
    if once and key in store.memo:
        found: int = store.memo[key]
        return found
    row = await store.one(Counter, id=name)
    read = row.value if row is not None else 0
    if once:
        store.memo[key] = read
    return read


async def advance(store: Store, name: str) -> int:
    """Move ``name`` on by one under its row lock, held to the commit: the next number is
    taken by one transaction at a time, in commit order."""
    store.memo.pop((Counter, name), None)
    row = await store.one(Counter, lock=True, id=name)
    if row is None:  # the migration seeds every counter; a database made otherwise starts here
        row = await store.insert(Counter(id=name, value=0))
    row.value += 1
    return row.value
