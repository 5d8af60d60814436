"""Reaching people: events, the delivery outbox, channels (webhooks, Apprise, email)."""
