"""PDF packets for the hiring committee, rendered with WeasyPrint from plain values."""

from .views import bp

__all__ = ["bp"]
