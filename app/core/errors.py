"""Errors a client can act on. Each carries the GraphQL error code it maps to.

graphql-core copies an original exception's ``extensions`` dict onto the
GraphQL error, so services stay free of any GraphQL import.
"""

from typing import Any


class ServiceError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.details}


class NotFound(ServiceError):
    code = "NOT_FOUND"


class InvalidInput(ServiceError):
    """A client's argument is out of range or malformed; ``field`` names it."""

    code = "BAD_USER_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)


class Conflict(ServiceError):
    code = "CONFLICT"


class Forbidden(ServiceError):
    """A valid caller whose role, identity or campaigns do not allow the request."""

    code = "FORBIDDEN"
