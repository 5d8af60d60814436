"""Accounts and security: passwords, tokens, sessions, roles and brute-force limits."""
