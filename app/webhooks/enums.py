"""Webhook vocabularies, stored as these strings."""

from enum import StrEnum


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEventType(StrEnum):
    CALL_ENDED = "call.ended"
    CALL_ALERT = "call.alert"
