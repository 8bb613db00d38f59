"""PDF packets for the hiring committee, rendered with WeasyPrint from plain values."""
