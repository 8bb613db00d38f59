"""Candidates' personal data: erasure, and the retention rule."""
