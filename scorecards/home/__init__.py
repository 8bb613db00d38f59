"""The landing page after signing in."""
