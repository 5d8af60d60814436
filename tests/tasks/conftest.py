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
