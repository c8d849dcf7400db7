"""The assembled Strawberry schema; ``schema.graphql`` is exported from here."""

from functools import partial

from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from app.adapters.graphql_core import cache_variable_signatures
from app.adapters.strawberry import lean_argument_conversion
from app.graphql import mutations, queries
from app.graphql.alerts import AlertMutation, AlertQuery, AlertSubscription
from app.graphql.analytics import AnalyticsQuery
from app.graphql.authorization import Authorization
from app.graphql.campaigns import CampaignMutation, CampaignQuery
from app.graphql.document_cache import CachedDocuments
from app.graphql.document_limits import DocumentLimits
from app.graphql.errors import CodedSchema
from app.graphql.events import EVENT_TYPES
from app.graphql.http_subscriptions import SubscriptionsOverWebSocket
from app.graphql.instructions import InstructionMutation, InstructionSubscription
from app.graphql.introspection import Introspection
from app.graphql.metrics_extension import MetricsExtension
from app.graphql.names import CachedNames
from app.graphql.objectives import ObjectiveMutation
from app.graphql.prepared import PreparedOperations
from app.graphql.retry import retrying_mutations
from app.graphql.rules import RuleMutation, RuleQuery
from app.graphql.sharing import SharingExecutor
from app.graphql.subscriptions import Subscription as CallSubscription
from app.graphql.webhooks import WebhookQuery

Query = merge_types(
    "Query", (queries.Query, CampaignQuery, AnalyticsQuery, WebhookQuery, RuleQuery, AlertQuery)
)
Mutation = merge_types(
    "Mutation",
    (
        mutations.Mutation,
        ObjectiveMutation,
        CampaignMutation,
        RuleMutation,
        AlertMutation,
        InstructionMutation,
    ),
)
Subscription = merge_types("Subscription", (CallSubscription, AlertSubscription, InstructionSubscription))

# QueryDepthLimiter and MaxAliasesLimiter make a new rule class per instance, so as
# per-request factories they defeat ValidationCache, which keys on the rule classes
# (strawberry-graphql/strawberry#4635): every operation was validated from scratch.
# Their rules, made once here, keep a known document a cache hit.
LIMIT_RULES = (
    *QueryDepthLimiter(max_depth=10).validation_rules,
    *MaxAliasesLimiter(max_alias_count=30).validation_rules,
)

lean_argument_conversion()
cache_variable_signatures()

schema = CodedSchema(
    query=Query,
    mutation=retrying_mutations(Mutation),
    subscription=Subscription,
    types=list(EVENT_TYPES),
    execution_context_class=SharingExecutor,
    config=StrawberryConfig(name_converter=CachedNames()),
    extensions=[
        MetricsExtension,
        # In this order: DocumentLimits lowers MaxTokensLimiter's bound for anonymous callers;
        # a subscription over HTTP, and a document over its bounds, are refused before
        # CachedDocuments would validate it (so before any validation rule runs).
        partial(MaxTokensLimiter, max_token_count=5_000),
        SubscriptionsOverWebSocket,
        DocumentLimits,
        Introspection,
        CachedDocuments,
        partial(AddValidationRules, list(LIMIT_RULES)),
        Authorization,
        PreparedOperations,  # last: the operation has passed every check before it
    ],
)


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql``."""
    return schema.as_str() + "\n"
