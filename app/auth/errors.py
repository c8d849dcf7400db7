"""Authentication and authorization errors, with their GraphQL codes."""

from app.calls.errors import ServiceError


class Unauthenticated(ServiceError):
    """No valid bearer token: missing, malformed, expired, wrongly signed or for another audience."""

    code = "UNAUTHENTICATED"


class Forbidden(ServiceError):
    """A valid token whose role or identity does not allow the request."""

    code = "FORBIDDEN"


class AuthConfigurationError(RuntimeError):
    """The server was configured in a way that would leave it open or unusable."""
