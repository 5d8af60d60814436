"""Seeded databases and table fingerprints for the operator-tool tests."""

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from tests.conftest import create_database, drop_database
from vividshift.ops import queries

SEED = """
INSERT INTO users (username, email, password_hash)
    SELECT 'user' || g, 'user' || g || '@example.org', 'x' FROM generate_series(1, 40) g;
INSERT INTO user_sessions (user_id, token_hash, expires_at, ip_address)
    SELECT id, md5(username), now() + interval '1 hour', '10.0.0.1' FROM users;
INSERT INTO domains (name, display_name, configuration)
    VALUES ('lodge', 'The lodge', '{"rotation": "weekly", "quotes": "it''s \\"here\\""}');
INSERT INTO participants (name, skills, availability)
    SELECT 'person ' || g, jsonb_build_array('cooking', 'skill' || (g % 7)),
           jsonb_build_object('monday', jsonb_build_object('9:00', 'available'))
    FROM generate_series(1, 600) g;
INSERT INTO assignment_targets (name, required_count)
    SELECT 'task ' || g, 1 + g % 3 FROM generate_series(1, 25) g;
INSERT INTO assignments (name, strategy_used, assignment_date)
    SELECT 'run ' || g, 'balanced_rotation', DATE '2026-01-01' + g FROM generate_series(1, 6) g;
INSERT INTO assignment_details (assignment_id, participant_id, target_id, position)
    SELECT a.id, p.id, t.id, 1
    FROM (SELECT id FROM assignments ORDER BY name LIMIT 3) a,
         (SELECT id FROM participants ORDER BY name LIMIT 20) p,
         (SELECT id FROM assignment_targets ORDER BY name LIMIT 2) t;
UPDATE assignments SET status = 'completed' WHERE name = 'run 1';
INSERT INTO procrastinate_jobs (queue_name, task_name, args)
    VALUES ('maintenance', 'purge_sessions', '{"timestamp": 0}');
"""


def seed(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SEED)


def fingerprints(url: str) -> dict[str, tuple[int, str | None]]:
    """(row count, md5 of every row's text in order) of every table of the database."""
    with psycopg.connect(url) as conn:
        prints = {}
        for table in queries.list_tables(conn):
            query = sql.SQL(
                "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {} t"
            ).format(sql.Identifier(*table))
            row = conn.execute(query).fetchone()
            assert row is not None
            prints[".".join(table)] = (row[0], row[1])
        return prints


@pytest.fixture
def seeded_db_url(fresh_db_url: str) -> Iterator[str]:
    """A migrated database of its own with rows in most tables (history by trigger)."""
    seed(fresh_db_url)
    yield fresh_db_url


@pytest.fixture
def other_db_url(server_url: str, template_name: str) -> Iterator[str]:
    """A second migrated database (fresh_db_url is one per test)."""
    name = f"vs_other_{uuid.uuid4().hex[:12]}"
    yield create_database(server_url, name, template=template_name)
    drop_database(server_url, name)
