"""Errors of the store layer.

::

    StoreError
    ├─ ConflictError(ValueError)        a write that clashes with stored data (duplicate id or
    │                                    username, stale plan version)
    └─ DatabaseConfigError(ValueError)  an unusable database URL

``lupus.care.errors.NotFoundError`` is raised for unknown ids. Foreign exceptions
(``sqlalchemy.exc.IntegrityError``) are translated here, never shown to a client.
"""

from __future__ import annotations

__all__ = ["ConflictError", "DatabaseConfigError", "StoreError"]


class StoreError(Exception):
    """Base class of every error raised by :mod:`lupus.store`."""


class ConflictError(StoreError, ValueError):
    """The write clashes with stored data."""


class DatabaseConfigError(StoreError, ValueError):
    """The database URL cannot be used."""
