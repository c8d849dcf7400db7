"""Rules: list, create, change and delete them (supervisors; scoped tokens manage their campaigns')."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.graphql.context import Context
from app.graphql.rule_types import Rule, RuleInput, RulePatchInput
from app.rules import service

Ctx = Info[Context, None]


def _actor(info: Ctx) -> str | None:
    principal = info.context.principal
    return principal.subject if principal is not None else None


@strawberry.type
class RuleQuery:
    @strawberry.field(
        description=(
            "The rules the caller manages, oldest first: every rule for an unscoped token, "
            "its campaigns' rules for a scoped one."
        )
    )
    async def rules(
        self,
        info: Ctx,
        campaign_id: Annotated[
            str | None, strawberry.argument(description="Only this campaign's rules.")
        ] = None,
    ) -> list[Rule]:
        async with info.context.services.db.read() as session:
            rows = await service.list_rules(session, scope=info.context.scope, campaign_id=campaign_id)
        return [Rule.from_row(row) for row in rows]


@strawberry.type
class RuleMutation:
    @strawberry.mutation(description="Create a rule; in force on every worker from their next write.")
    async def create_rule(self, info: Ctx, input: RuleInput) -> Rule:
        draft = input.to_draft()
        async with info.context.services.db.write() as session:
            row = await service.create_rule(
                session, scope=info.context.scope, actor=_actor(info), draft=draft
            )
        return Rule.from_row(row)

    @strawberry.mutation(description="Change a rule; what is left out stays.")
    async def update_rule(self, info: Ctx, id: strawberry.ID, patch: RulePatchInput) -> Rule:
        changes = patch.to_patch()
        async with info.context.services.db.write() as session:
            row = await service.update_rule(session, scope=info.context.scope, rule_id=str(id), patch=changes)
        return Rule.from_row(row)

    @strawberry.mutation(description="Delete a rule; its alerts stay, with its name and a null ruleId.")
    async def delete_rule(self, info: Ctx, id: strawberry.ID) -> Rule:
        async with info.context.services.db.write() as session:
            row = await service.delete_rule(session, scope=info.context.scope, rule_id=str(id))
        return Rule.from_row(row)
