import os

DATABASE_URL = os.environ.get('CATALOG_DATABASE_URL', '')
DATABASE_SCHEMA = None
