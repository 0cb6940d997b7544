"""The web app over the seeded store, for the web tests that only read.

A test module loads this file after ``db_support`` as a pytest plugin::

    pytest_plugins = ["db_support", "web_support"]

and asks for ``client``: Starlette's test client over ``create_app(store=seeded)``, one
per module and backend (so every such test runs on SQLite and PostgreSQL).  A module
that needs another app (more data, other limits, no redirects followed) defines its own
``client``, which pytest prefers to this one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kosmochron.store import Store
from kosmochron.web import create_app


@pytest.fixture(scope="module")
def client(seeded: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=seeded)) as test_client:
        yield test_client
