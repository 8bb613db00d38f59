"""The production topology: its files, and the whole of it started on this machine."""
