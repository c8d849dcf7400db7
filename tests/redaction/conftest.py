"""The token fixtures of tests/auth, for the payment pause's "who paused"."""

from tests.auth.conftest import as_role, mint, secured_client, secured_settings

__all__ = ["as_role", "mint", "secured_client", "secured_settings"]
