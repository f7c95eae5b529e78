"""Errors of the therapy layer.

::

    TherapyError
    ├─ PlanInputError(FieldValueError)   bad plan input: names field, value and what is allowed
    │  └─ UnsupportedRouteError          a route the encoded labels do not cover (anifrolumab SC)
    ├─ NoLabelRuleError(ValueError)      asked for a rule the label does not give (missed IV dose)
    └─ TherapyDataError                  a shipped rule table is malformed (a bug, not user input)

Every ``ValueError`` subclass here is turned by the command line into exit code 2 with one line
on standard error, so each message is complete on its own.
"""

from __future__ import annotations

from lupus.clinical.errors import FieldValueError

__all__ = [
    "NoLabelRuleError",
    "PlanInputError",
    "TherapyDataError",
    "TherapyError",
    "UnsupportedRouteError",
]


class TherapyError(Exception):
    """Base class of every error raised by :mod:`lupus.therapy`."""


class PlanInputError(TherapyError, FieldValueError):
    """A plan input that is missing, of the wrong type, out of range or unknown.

    >>> str(PlanInputError("weeks", 0, "an integer from 1 to 520"))
    "field 'weeks': got 0; allowed: an integer from 1 to 520"
    """


class UnsupportedRouteError(PlanInputError):
    """A route that no encoded label covers for this therapy (e.g. anifrolumab ``sc``)."""


class NoLabelRuleError(TherapyError, ValueError):
    """The label (or protocol) gives no rule for what was asked, so none is invented."""


class TherapyDataError(TherapyError):
    """A shipped rule table is malformed; this is a defect of the package, not of the input."""
