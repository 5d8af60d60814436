"""${message}"""

from vividshift.migrations.sql import sql_migration

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
upgrade, downgrade = sql_migration(__file__)
