"""Self-registration (`POST /auth/register`) under VIVIDSHIFT_REGISTRATION, with an
optional invitation accepted by the new account in the same transaction. Apart from
`vividshift.auth` because it uses invitations, which use domains, which use auth."""
