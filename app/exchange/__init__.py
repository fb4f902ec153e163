"""Exchange with the issuing authority: the outbox of messages (built out by the exchange issue)."""
