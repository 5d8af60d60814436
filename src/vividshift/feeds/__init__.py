"""Calendar subscriptions: secret-token iCalendar feeds of a person and of a domain."""
