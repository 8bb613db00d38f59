"""User administration: admins list, invite, change, deactivate and reset accounts."""
