"""The store's errors, in a module of their own so that every store module can raise
them without importing another."""

from __future__ import annotations


class StoreError(Exception):
    """A database that cannot be opened, migrated or queried as asked."""


class QueryError(ValueError):
    """A filter or lookup that cannot be answered as asked (the message says why)."""
