"""Notifications: mails written to an outbox with the change they tell of, and the scheduler."""
