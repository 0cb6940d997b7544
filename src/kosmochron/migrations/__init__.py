"""Alembic migrations of the Kosmochron database (run by ``kosmochron.store.db.migrate``)."""
