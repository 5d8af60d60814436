"""Invitations to a domain: a manager invites someone by email, with a role and
optionally the participant to link; whoever opens the link (signed in, or registering
with it) becomes a member with that role and "me" on that participant.

tokens    the link's secret: random, only a hash stored, compared in constant time
queries   SQL of `domain_invitations`
service   create, list, revoke, accept (single use under concurrency, 410 when gone)
routes    /api/domains/{domain_id}/invitations, /api/invitations/accept
cli       `vividshift invite`
"""
