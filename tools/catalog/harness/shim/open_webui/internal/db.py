"""What Open WebUI's Alembic revisions take from open_webui.internal.db: JSONField, a JSON value
stored in a TEXT column."""
import json

from sqlalchemy import types


class JSONField(types.TypeDecorator):
    impl = types.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(value)

    def process_result_value(self, value, dialect):
        return json.loads(value) if value is not None else None
