"""Streaming exports of applications and ratings as CSV, XLSX and JSON lines."""
