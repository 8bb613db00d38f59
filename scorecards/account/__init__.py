"""Each person's own account settings: their language and time zone."""
