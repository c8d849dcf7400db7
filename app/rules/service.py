"""Managing rules: create, change, delete, list, each scoped like the campaigns they belong to.

Every change moves ``rule_version`` in its own transaction, so each process recompiles its
rule set at its next write (``ruleset.RuleCache``). A campaign-scoped caller manages only
its campaigns' rules: a global rule needs an unscoped caller, and another campaign's rule
is not there for it (NOT_FOUND).
"""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import NotFound
from app.core.scope import Scope
from app.core.sqltypes import utcnow
from app.core.store import OrmStore
from app.rules import counters
from app.rules.drafts import RuleDraft, RulePatch
from app.rules.models import RULE_VERSION, Rule


def rule_not_found(rule_id: str) -> NotFound:
    return NotFound(f"Rule {rule_id!r} not found", ruleId=rule_id)


async def _changed(session: AsyncSession) -> None:
    await counters.advance(OrmStore(session), RULE_VERSION)


async def create_rule(session: AsyncSession, *, scope: Scope, actor: str | None, draft: RuleDraft) -> Rule:
    scope.require("input.campaignId", draft.campaign_id)
    draft.check("input")
    now = utcnow()
    rule = Rule(
        campaign_id=draft.campaign_id,
        name=draft.name,
        severity=draft.severity.value,
        enabled=draft.enabled,
        kind=draft.condition.kind.value,
        condition=draft.condition.to_json(),
        coaching=draft.coaching.to_json() if draft.coaching is not None else None,
        webhook=draft.webhook,
        cooldown_seconds=draft.cooldown_seconds,
        created_at=now,
        updated_at=now,
        created_by=actor,
    )
    session.add(rule)
    await session.flush()
    await _changed(session)
    return rule


async def get_rule(session: AsyncSession, rule_id: str, *, scope: Scope, lock: bool = False) -> Rule:
    """The rule, if ``scope`` may manage it; else NOT_FOUND."""
    if not rule_id.isdigit() or len(rule_id) > 18:
        raise rule_not_found(rule_id)
    query = select(Rule).where(Rule.id == int(rule_id))
    if lock:
        query = query.with_for_update()
    rule = (await session.exec(query)).first()
    if rule is None or not _manages(scope, rule.campaign_id):
        raise rule_not_found(rule_id)
    return rule


async def update_rule(session: AsyncSession, *, scope: Scope, rule_id: str, patch: RulePatch) -> Rule:
    patch.check("patch")
    rule = await get_rule(session, rule_id, scope=scope, lock=True)
    if patch.name is not None:
        rule.name = patch.name
    if patch.severity is not None:
        rule.severity = patch.severity.value
    if patch.enabled is not None:
        rule.enabled = patch.enabled
    if patch.condition is not None:
        rule.kind = patch.condition.kind.value
        rule.condition = patch.condition.to_json()
    if patch.coaching is not None:
        rule.coaching = patch.coaching.to_json()
    if patch.remove_coaching:
        rule.coaching = None
    if patch.webhook is not None:
        rule.webhook = patch.webhook
    if patch.cooldown_seconds is not None:
        rule.cooldown_seconds = patch.cooldown_seconds
    rule.updated_at = utcnow()
    session.add(rule)
    await session.flush()
    await _changed(session)
    return rule


async def delete_rule(session: AsyncSession, *, scope: Scope, rule_id: str) -> Rule:
    """Its alerts stay, with its name; its per-call state goes with it."""
    rule = await get_rule(session, rule_id, scope=scope, lock=True)
    await session.delete(rule)
    await session.flush()
    await _changed(session)
    return rule


async def list_rules(session: AsyncSession, *, scope: Scope, campaign_id: str | None = None) -> list[Rule]:
    """The rules ``scope`` manages (only ``campaign_id``'s when given), oldest first."""
    query = select(Rule)
    if campaign_id is not None:
        scope.require("campaignId", campaign_id)
        query = query.where(Rule.campaign_id == campaign_id)
    elif not scope.is_everything:
        query = query.where(scope.where(Rule.campaign_id))
    return list((await session.exec(query.order_by(col(Rule.id)))).all())


def _manages(scope: Scope, campaign_id: str | None) -> bool:
    return scope.is_everything if campaign_id is None else scope.sees(campaign_id)
