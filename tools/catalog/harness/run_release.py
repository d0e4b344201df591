#!/usr/bin/env python3
"""Runs one Open WebUI release's real migrations against a PostgreSQL database, in Open WebUI's
order (Peewee Router over internal/migrations with history table `migratehistory`, then Alembic
`upgrade head` in one transaction), and records every statement each migration executed.

Written for openwebui-preflight's catalog generator; it contains no Open WebUI code: the release's
migration files are extracted next to the shim package at run time.

Usage: run_release.py --url URL --package-root DIR --out result.json [--no-peewee]
(Migration files print to stdout, so the result goes to a file.)
"""
import argparse
import json
import logging
import os
import re
import sys
import time

PENDING = 'alembic:__pending__'
BOOKKEEPING = re.compile(r'\b(migratehistory|alembic_version)\b', re.I)
TRANSACTION = re.compile(r'^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET\s+TRANSACTION)\b', re.I)
CATALOG_READ = re.compile(r'\b(pg_catalog|information_schema|pg_class|pg_namespace|pg_attribute|pg_index|pg_constraint|pg_type)\b', re.I)


class Recorder:
    def __init__(self):
        self.current = None
        self.by_migration = {}
        self.inspected = set()
        self.order = []

    def start(self, name):
        self.current = name
        self.by_migration.setdefault(name, [])
        if name not in self.order:
            self.order.append(name)

    def assign_pending(self, pending, name):
        """Gives the statements buffered under `pending` to `name` (Alembic reports a revision after it ran)."""
        self.by_migration[name] = self.by_migration.get(pending, [])
        self.by_migration[pending] = []
        if pending in self.inspected:
            self.inspected.discard(pending)
            self.inspected.add(name)
        if name not in self.order:
            self.order.append(name)

    def record(self, sql):
        if self.current is None:
            return
        text = sql.decode() if isinstance(sql, bytes) else str(sql)
        stripped = text.strip()
        if not stripped or TRANSACTION.match(stripped):
            return
        if re.match(r'^\s*(SELECT|WITH|SHOW)\b', stripped, re.I):
            if CATALOG_READ.search(stripped):
                self.inspected.add(self.current)
            return
        if BOOKKEEPING.search(stripped):
            return
        self.by_migration[self.current].append(stripped.rstrip(';'))


def run_peewee(url, package_root, recorder):
    import peewee
    from playhouse.db_url import connect
    from peewee_migrate import Router

    class RecordingRouter(Router):
        def run_one(self, name, migrator, *, fake=True, downgrade=False, force=False):
            if not fake:
                recorder.start('peewee:' + name)
            return super().run_one(name, migrator, fake=fake, downgrade=downgrade, force=force)

    db = connect(url.replace('postgresql://', 'postgres://'))
    original = db.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        try:
            text = db.cursor().mogrify(sql, params or ()) if params else sql
        except Exception:
            text = sql
        recorder.record(text)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = execute_sql
    migrate_dir = os.path.join(package_root, 'open_webui', 'internal', 'migrations')
    router = RecordingRouter(db, logger=logging.getLogger('peewee_migrate'), migrate_dir=migrate_dir)
    try:
        router.run()
    finally:
        db.close()


def run_alembic(url, package_root, recorder):
    from alembic import command
    from alembic.config import Config

    os.environ['CATALOG_DATABASE_URL'] = url
    cfg = Config()
    cfg.set_main_option('script_location', os.path.join(package_root, 'open_webui', 'migrations'))
    cfg.attributes['recorder'] = recorder
    command.upgrade(cfg, 'head')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', required=True)
    parser.add_argument('--package-root', required=True)
    parser.add_argument('--no-peewee', action='store_true')
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sys.path.insert(0, args.package_root)
    recorder = Recorder()
    result = {'steps': [], 'error': None}
    started = time.perf_counter()
    step = 'peewee'
    try:
        if not args.no_peewee:
            run_peewee(args.url, args.package_root, recorder)
        step = 'alembic'
        run_alembic(args.url, args.package_root, recorder)
    except Exception as error:  # reported, not hidden: the generator records failures too
        orig = getattr(error, 'orig', None)
        result['error'] = {
            'step': step,
            'migration': recorder.current,
            'type': type(error).__name__,
            'sqlstate': getattr(orig, 'pgcode', None) or getattr(error, 'pgcode', None),
            'message': str(orig or error).strip().splitlines()[0] if str(orig or error).strip() else type(error).__name__,
        }
    result['seconds'] = time.perf_counter() - started
    if result['error'] and result['error']['step'] == 'alembic':
        # The failing revision never reported itself; its statements are still pending.
        result['error']['statements'] = recorder.by_migration.get(PENDING, [])[-3:]
    result['steps'] = [
        {'id': name, 'statements': recorder.by_migration[name], 'inspected': name in recorder.inspected}
        for name in recorder.order
        if name != PENDING
    ]
    with open(args.out, 'w') as out:
        json.dump(result, out, indent=1)


if __name__ == '__main__':
    main()
