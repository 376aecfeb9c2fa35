"""The REST API `/api/v1/`: API keys per organization, scoped and revocable, OpenAPI schema and docs."""
