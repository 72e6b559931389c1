"""The store: tables, migrations, repositories (SQLite by default, PostgreSQL in production)."""
