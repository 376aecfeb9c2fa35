"""Outbound webhooks per organization: HMAC-SHA256 signed deliveries with retries and a delivery log."""
