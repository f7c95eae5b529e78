"""Errors of the pages.

::

    PageError
    ├─ SignInRequired           no valid session: the page redirects to the sign-in form
    ├─ CsrfError                a form without this session's CSRF token (403 page)
    └─ FormError(ValueError)    a form field that cannot be read (422 page naming the field)

Errors of the other layers keep their meaning on a page: ``PermissionDenied`` 403,
``NotFoundError`` 404, ``ConflictError``/``TransitionError`` 409, any other ``ValueError`` 422
(see ``lupus.web.pages._common.PageRoute``), always as an HTML page.
"""

from __future__ import annotations

from lupus.clinical.errors import describe_value

__all__ = ["CsrfError", "FormError", "PageError", "SignInRequired"]


class PageError(Exception):
    """Base class of the pages' own errors."""


class SignInRequired(PageError):
    """No valid session: the page redirects to the sign-in form."""


class CsrfError(PageError):
    """A form came back without this session's CSRF token."""


class FormError(PageError, ValueError):
    """A form field that cannot be read: names the field, the value and what is allowed."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"field '{field}': got {describe_value(value)}; allowed: {allowed}")
