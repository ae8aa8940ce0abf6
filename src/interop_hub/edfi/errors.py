"""The Ed-Fi branch of the ``HubError`` tree (``core/errors.py``).

    HubError
    └── EdfiError (status, problem ``type`` suffix after ``urn:ed-fi:api:``, title)
        ├── BadRequest                 400 bad-request
        │   ├── DataValidationFailed   400 bad-request:data-validation-failed (+ validationErrors)
        │   ├── KeyChangeNotSupported  400 ...:data-validation-failed:key-change-not-supported
        │   └── ParameterValidationFailed 400 bad-request:parameter-validation-failed
        ├── AuthorizationDenied        403 security:authorization (ed-org relationships)
        ├── EdfiNotFound               404 not-found
        ├── UnresolvedReference        409 conflict:unresolved-reference
        ├── DependentItemExists        409 conflict:dependent-item-exists
        ├── NonUniqueIdentity          409 conflict:non-unique-identity
        ├── OptimisticLockFailed       412 optimistic-lock-failed
        └── PayloadTooLarge            413 bad-request:payload-too-large

Under ``/edfi`` the app renders every ``HubError`` as v7 problem details (``problems.py``);
the generic ones (401, 403, 429...) get the Ed-Fi type for their status. The conflict types
use ``conflict:`` as the ODS/API 7 source does (its ``ConflictException``).
"""

from __future__ import annotations

from typing import ClassVar

from interop_hub.core.errors import HubError

__all__ = [
    "AuthorizationDenied",
    "BadRequest",
    "DataValidationFailed",
    "DependentItemExists",
    "EdfiError",
    "EdfiNotFound",
    "KeyChangeNotSupported",
    "NonUniqueIdentity",
    "OptimisticLockFailed",
    "ParameterValidationFailed",
    "PayloadTooLarge",
    "UnresolvedReference",
]


class EdfiError(HubError):
    problem_type: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad Request"
    code_minor = "invaliddata"

    def __init__(
        self,
        detail: str,
        *,
        validation_errors: dict[str, list[str]] | None = None,
        errors: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, headers=headers)
        self.validation_errors = validation_errors
        self.errors = errors


class BadRequest(EdfiError):
    status_code = 400


class DataValidationFailed(BadRequest):
    problem_type = "bad-request:data-validation-failed"
    title = "Data Validation Failed"

    def __init__(self, validation_errors: dict[str, list[str]], detail: str | None = None) -> None:
        super().__init__(
            detail or "Data validation failed. See 'validationErrors' for details.",
            validation_errors=validation_errors,
        )


class KeyChangeNotSupported(BadRequest):
    problem_type = "bad-request:data-validation-failed:key-change-not-supported"
    title = "Key Change Not Supported"


class ParameterValidationFailed(BadRequest):
    problem_type = "bad-request:parameter-validation-failed"
    title = "Parameter Validation Failed"


class PayloadTooLarge(BadRequest):
    status_code = 413
    problem_type = "bad-request:payload-too-large"
    title = "Payload Too Large"


class AuthorizationDenied(EdfiError):
    status_code = 403
    code_minor = "forbidden"
    problem_type = "security:authorization"
    title = "Authorization Denied"


class EdfiNotFound(EdfiError):
    status_code = 404
    code_minor = "unknownobject"
    problem_type = "not-found"
    title = "Not Found"


class _Conflict(EdfiError):
    status_code = 409
    code_minor = "conflict"


class UnresolvedReference(_Conflict):
    problem_type = "conflict:unresolved-reference"
    title = "Unresolved Reference"


class DependentItemExists(_Conflict):
    problem_type = "conflict:dependent-item-exists"
    title = "Dependent Item Exists"


class NonUniqueIdentity(_Conflict):
    problem_type = "conflict:non-unique-identity"
    title = "Identifying Values Are Not Unique"


class OptimisticLockFailed(EdfiError):
    status_code = 412
    code_minor = "precondition_failed"
    problem_type = "optimistic-lock-failed"
    title = "Optimistic Lock Failed"
