"""Voluntary self-identification, kept apart from everything else, and fairness reports."""
