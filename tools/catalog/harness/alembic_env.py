"""Replaces Open WebUI's migrations/env.py for the catalog generator: online mode only, one
connection, all pending revisions in ONE transaction (as Open WebUI runs them on PostgreSQL), and
every executed statement recorded against the revision being applied."""
import os

import sqlalchemy as sa
from alembic import context

PENDING = 'alembic:__pending__'
recorder = context.config.attributes['recorder']
engine = sa.create_engine(os.environ['CATALOG_DATABASE_URL'], poolclass=sa.pool.NullPool)


def before_cursor_execute(conn, cursor, statement, parameters, execution_context, executemany):
    try:
        if executemany:
            for params in parameters:
                recorder.record(cursor.mogrify(statement, params))
            return
        recorder.record(cursor.mogrify(statement, parameters) if parameters else statement)
    except Exception:
        recorder.record(statement)


def on_version_apply(ctx, step, heads, run_args):
    # Called after each revision's upgrade(): what was buffered since the previous one is its work.
    recorder.assign_pending(PENDING, 'alembic:' + step.up_revision_id)


with engine.connect() as connection:
    sa.event.listen(connection, 'before_cursor_execute', before_cursor_execute)
    recorder.start(PENDING)
    context.configure(connection=connection, target_metadata=None, on_version_apply=on_version_apply)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
