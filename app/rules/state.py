"""One rule's memory of one call (``rule_call_states``), made the first time it is needed."""

from app.calls.models import LiveCall
from app.core.store import Store
from app.rules.models import RuleCallState


async def rule_state(store: Store, rule_id: int, call: LiveCall) -> RuleCallState:
    """The state row; the caller holds the call's lock, so no other writer makes it meanwhile."""
    assert call.id is not None
    state = await store.one(RuleCallState, rule_id=rule_id, live_call_id=call.id)
    if state is None:
        state = await store.insert(RuleCallState(rule_id=rule_id, live_call_id=call.id))
    return state
