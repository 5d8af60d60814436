"""Sessions in several states, for the cleanup tests."""

import psycopg

SESSIONS = """
INSERT INTO users (username, email, password_hash) VALUES ('sam', 'sam@example.org', 'x');
INSERT INTO user_sessions (user_id, token_hash, expires_at, idle_expires_at, is_revoked)
SELECT u.id, s.token_hash, now() + s.expires, now() + s.idle, s.revoked
FROM users u,
     (VALUES ('live', interval '1 hour', interval '10 minutes', false),
             ('expired', interval '-1 minute', interval '10 minutes', false),
             ('idle', interval '1 hour', interval '-1 minute', false),
             ('revoked', interval '1 hour', interval '10 minutes', true))
         AS s(token_hash, expires, idle, revoked)
WHERE u.username = 'sam';
"""


def add_sessions(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SESSIONS)


def session_tokens(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT token_hash FROM user_sessions ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def job_statuses(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT task_name, status::text FROM procrastinate_jobs ORDER BY id"
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


IDEMPOTENCY_KEYS = """
INSERT INTO users (username, email, password_hash) VALUES ('kim', 'kim@example.org', 'x');
INSERT INTO idempotency_keys (user_id, scope, key, request_hash, status_code, response,
                              created_at, expires_at)
SELECT u.id, 'POST /api/participants', k.key, repeat('0', 64), 201, '{}',
       now() + k.expires - interval '24 hours', now() + k.expires
FROM users u,
     (VALUES ('live', interval '23 hours'),
             ('nearly-expired', interval '1 minute'),
             ('expired', interval '-1 second'),
             ('long-expired', interval '-30 days'))
         AS k(key, expires)
WHERE u.username = 'kim';
"""


def add_idempotency_keys(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(IDEMPOTENCY_KEYS)


def idempotency_keys(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT key FROM idempotency_keys ORDER BY 1").fetchall()
    return [r[0] for r in rows]
