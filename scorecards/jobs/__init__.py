"""Background jobs: committee packets and large exports, prepared outside the request."""

from . import kinds  # noqa: F401  (registers the kinds of job)
from .views import bp

__all__ = ["bp"]
