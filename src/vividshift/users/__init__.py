"""Users: the caller's own account and profile (/api/me) and user administration."""
