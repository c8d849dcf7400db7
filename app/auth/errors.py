"""Authentication errors, with their GraphQL codes."""

from app.core.errors import ServiceError


class Unauthenticated(ServiceError):
    """No valid bearer token: missing, malformed, expired, wrongly signed or for another audience."""

    code = "UNAUTHENTICATED"


class AuthConfigurationError(RuntimeError):
    """The server was configured in a way that would leave it open or unusable."""
