"""Access-matrix entries of what config mounts itself: the schema and its docs (public)."""

from tests.api import Endpoint

ENDPOINTS = [
    Endpoint("schema", "GET", role=None, anonymous=None),
    Endpoint("docs", "GET", role=None, anonymous=None),
]
