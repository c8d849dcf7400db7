"""The server-wide redaction policy, from settings: safe with no configuration at all."""

import logging

from app.core.config import Settings
from app.redaction.redact import Policy

log = logging.getLogger("app.redaction")


def default_policy(settings: Settings) -> Policy:
    """``REDACT`` and ``REDACT_KEEP_LAST_FOUR``; an empty ``REDACT`` is allowed, and said loudly."""
    policy = Policy.of(settings.redact, settings.redact_keep_last_four, settings.phone_region)
    if not policy.entities:
        log.warning(
            "REDACTION IS OFF (REDACT=[]): card numbers, CVVs, PINs and SSNs spoken on calls of campaigns "
            "without a policy of their own are stored, logged and sent as spoken."
        )
    return policy
