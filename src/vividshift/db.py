"""Connection pool, the per-request connection dependency, and transaction helpers.

Pooled connections run in autocommit mode: nothing is ever left open between
statements, and a service makes its unit of work explicit with `transaction()`
(a savepoint when the caller already holds a transaction, as tests do).
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from time import monotonic
from typing import Annotated, Any, TypeVar
from uuid import UUID
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from psycopg import AsyncConnection
from psycopg.rows import DictRow, class_row, dict_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import make_url

from vividshift.config import Settings

Connection = AsyncConnection[DictRow]
T = TypeVar("T")


def qualified(columns: str, alias: str) -> str:
    """`"id, name"` as `"a.id, a.name"`: a row's column list for a query that joins."""
    return ", ".join(f"{alias}.{c}" for c in columns.split(", "))


def to_sqlalchemy_url(url: str) -> str:
    """The same server as a SQLAlchemy URL with the psycopg 3 driver (for Alembic)."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must start with postgresql://")


def url_with_database(url: str, name: str) -> str:
    """The same server URL, naming database `name`."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def _configure(conn: AsyncConnection) -> None:
    conn.row_factory = dict_row  # type: ignore[assignment]


# A connection back from a request this recently is not checked again on checkout: it
# just worked, and the check would add a round trip to every request.
RECENTLY_USED_S = 1.0
_returned_at: "WeakKeyDictionary[AsyncConnection, float]" = WeakKeyDictionary()


async def _returned(conn: AsyncConnection) -> None:
    _returned_at[conn] = monotonic()


async def _check(conn: AsyncConnection) -> None:
    if monotonic() - _returned_at.get(conn, -RECENTLY_USED_S) >= RECENTLY_USED_S:
        await AsyncConnectionPool.check_connection(conn)


def create_pool(url: str, settings: Settings) -> AsyncConnectionPool:
    """A closed pool; the app's lifespan opens it. Connections idle for a second or more
    are checked on checkout, so a database restart costs one failed request at most, not
    a pool of dead sockets."""
    return AsyncConnectionPool(
        conninfo=url,
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        kwargs={"autocommit": True, "connect_timeout": max(1, int(settings.db_connect_timeout))},
        configure=_configure,
        check=_check,
        reset=_returned,
        # Past this a request gets PoolTimeout, answered 503 with Retry-After (errors.py).
        timeout=settings.db_pool_timeout_seconds,
        open=False,
        name="vividshift",
    )


async def get_db(request: Request) -> AsyncIterator[Connection]:
    """One pooled connection for the duration of a request."""
    pool: AsyncConnectionPool = request.app.state.pool
    async with pool.connection() as conn:
        yield conn  # type: ignore[misc]


Db = Annotated[Connection, Depends(get_db)]

Connect = Callable[[], AbstractAsyncContextManager[Connection]]


async def get_connect(request: Request) -> Connect:
    """Short-lived connections for a request that must not hold one throughout (a
    generation releases its connection while the solver runs): from the pool, or from
    whatever `get_db` is overridden with (the tests' one connection)."""
    override = request.app.dependency_overrides.get(get_db)
    if override is not None:
        return asynccontextmanager(override)
    pool: AsyncConnectionPool = request.app.state.pool
    return pool.connection  # type: ignore[return-value]


Connector = Annotated[Connect, Depends(get_connect)]


@asynccontextmanager
async def transaction(conn: Connection, *, acting_user: UUID | None = None) -> AsyncIterator[None]:
    """One unit of work. With `acting_user`, the audit triggers attribute its changes
    to that user (app.current_user_id, local to this transaction)."""
    async with conn.transaction():
        if acting_user is not None:
            await conn.execute(
                "SELECT set_config('app.current_user_id', %s, true)", (str(acting_user),)
            )
        yield


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[Connection]:
    """One connection outside the pool (the CLI, a worker task), configured like the
    pool's: autocommit, rows as dicts. Closed on exit."""
    conn = await AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
    try:
        yield conn
    finally:
        await conn.close()


# Rows that leave a package's queries are frozen dataclasses, so services and routes
# read attributes a type checker knows instead of string keys of an untyped dict.
async def fetch_one(conn: Connection, row_type: type[T], sql: str, params: Any = None) -> T | None:
    """The first row of `sql` as a `row_type` (column names = field names), or None."""
    async with conn.cursor(row_factory=class_row(row_type)) as cur:
        await cur.execute(sql, params)
        return await cur.fetchone()


async def fetch_all(conn: Connection, row_type: type[T], sql: str, params: Any = None) -> list[T]:
    """Every row of `sql` as a `row_type`."""
    async with conn.cursor(row_factory=class_row(row_type)) as cur:
        await cur.execute(sql, params)
        return await cur.fetchall()
