"""The interviewer's area: my interviews, the scorecard form, the panel after submitting."""
