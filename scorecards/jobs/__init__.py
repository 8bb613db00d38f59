"""Background jobs: committee packets and large exports, prepared outside the request."""
