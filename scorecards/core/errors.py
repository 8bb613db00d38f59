"""What a service raises when a request cannot be done, in the domain's words, not HTTP's.

The page and API shells each map these to a status in one place (``scorecards.errors`` and
``scorecards.api.errors``): a thing that is missing or not the user's to see answers 404, a
refused action 403, a change that collides with the stored state 409, and input that cannot
be stored 400 on a page or 422 in the API.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; its message is meant for the person who asked."""

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the input it concerns, where one does


class NotVisible(DomainError):
    """The object does not exist, or is not the user's to see: the two look alike on purpose."""


class Forbidden(DomainError):
    """The user may see the object but not do this to it."""


class Conflict(DomainError):
    """The change collides with what is stored now (a stale copy, a closed stage, a duplicate)."""


class Invalid(DomainError):
    """What was sent cannot be stored as given; the message says what, the field where."""


# How the web answers each refusal: the first kind that matches wins, so a duplicate that is
# also invalid input (a candidate's email on file) is answered as the conflict it is.
KINDS = (NotVisible, Forbidden, Conflict, Invalid)


def kind_of(error: DomainError) -> type[DomainError]:
    """Return the kind of refusal the error is, for a shell to choose its status by."""
    return next((kind for kind in KINDS if isinstance(error, kind)), DomainError)
