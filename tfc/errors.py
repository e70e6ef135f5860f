"""One error tree for the toolkit; ``main()`` turns these into one line on stderr and an exit code.

    TfcError
    ├── ConfigError            bad settings, files or flags (names the file:line or the variable)
    ├── UsageError             a malformed argument (exit 2)
    ├── ApiError(status)       TFC answered with an error status
    │   ├── BadRequest         400
    │   ├── Unauthorized       401: the token is missing, wrong or expired
    │   ├── NotFound           404: missing, or the token has no access (TFC answers 404, not 403)
    │   ├── Conflict           409: the action is not allowed in the resource's current state
    │   ├── UnprocessableEntity 422: TFC rejected the request body
    │   ├── RateLimited        429 after the retries ran out
    │   └── ServerError        5xx after the retries ran out
    ├── TransportError         the connection failed after the retries ran out
    ├── MalformedResponse      a response lacks a field we need (names the resource and the field)
    └── UnsafeToApply          a run changed between review and apply
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    ATTENTION = 3  # some items failed or were left for a person
    INTERRUPTED = 130


class TfcError(Exception):
    exit_code: ExitCode = ExitCode.ERROR


class ConfigError(TfcError):
    pass


class UsageError(TfcError):
    exit_code = ExitCode.USAGE


class ApiError(TfcError):
    def __init__(self, message: str, *, status: int, resource: str) -> None:
        super().__init__(message)
        self.status = status
        self.resource = resource


class BadRequest(ApiError):
    pass


class Unauthorized(ApiError):
    pass


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    pass


class UnprocessableEntity(ApiError):
    pass


class RateLimited(ApiError):
    pass


class ServerError(ApiError):
    pass


class TransportError(TfcError):
    pass


class MalformedResponse(TfcError):
    pass


class UnsafeToApply(TfcError):
    def __init__(self, message: str, *, run_id: str) -> None:
        super().__init__(message)
        self.run_id = run_id


_STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    404: NotFound,
    409: Conflict,
    422: UnprocessableEntity,
    429: RateLimited,
}

_STATUS_HINTS: dict[type[ApiError], str] = {
    Unauthorized: "the token is missing, invalid or expired",
    NotFound: "not found, or the token has no access to it (TFC answers 404 for both)",
    Conflict: "not allowed in its current state",
    UnprocessableEntity: "TFC rejected the request",
    RateLimited: "rate limited by TFC and out of retries",
    BadRequest: "bad request",
}


def error_class_for_status(status: int) -> type[ApiError]:
    if status >= 500:
        return ServerError
    return _STATUS_ERRORS.get(status, ApiError)


def api_error(status: int, resource: str, detail: str | None = None) -> ApiError:
    """Build the error for an HTTP status answered about ``resource`` (a name such as "run run-abc")."""
    cls = error_class_for_status(status)
    hint = _STATUS_HINTS.get(cls, "server error" if cls is ServerError else "request failed")
    message = f"{resource}: {status} {hint}"
    if detail:
        message += f" ({detail})"
    return cls(message, status=status, resource=resource)
