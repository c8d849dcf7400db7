"""HMAC-SHA256 signatures over a timestamp and the raw body (the scheme Stripe uses).

The header reads ``t=<unix seconds>,v1=<hex digest>`` where the digest is
``HMAC-SHA256(secret, f"{t}." + body)``. Binding the timestamp lets a receiver
refuse replays older than a few minutes.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Webhook-Signature"


def signature(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
