"""The REST API under /api/v1: JSON, bearer tokens, problem details, an OpenAPI document."""
