"""The audit trail as administrators read it: who did what to which record, and when."""
