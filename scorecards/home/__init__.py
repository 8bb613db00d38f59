"""The landing page after signing in."""

from .views import bp

__all__ = ["bp"]
