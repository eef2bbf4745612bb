"""Cache backends for tests of how the site uses its cache (settings.CACHES in a test)."""

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection

_READS = ("get", "get_many", "has_key", "touch", "incr", "decr", "delete", "delete_many", "clear")


class CacheCalledInTransaction(AssertionError):
    pass


class TransactionCheckingCache(LocMemCache):
    """A local-memory cache that fails any call made inside a database transaction, and
    records every key written with its TTL in seconds (``WRITTEN``, shared by all instances;
    None would mean "never expires")."""

    WRITTEN: list[tuple[str, float | None]] = []

    def _check(self, name: str) -> None:
        if connection.in_atomic_block:
            raise CacheCalledInTransaction(f"cache.{name}() inside a database transaction")

    def _record(self, key: str, timeout) -> None:
        self.WRITTEN.append((key, self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._check("add")
        added = super().add(key, value, timeout, version)
        if added:
            self._record(key, timeout)
        return added

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._check("set")
        self._record(key, timeout)
        return super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._check("set_many")
        for key in data:
            self._record(key, timeout)
        return super().set_many(data, timeout, version)


def _checked(name: str):
    def method(self, *args, **kwargs):
        self._check(name)
        return getattr(LocMemCache, name)(self, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _READS:
    setattr(TransactionCheckingCache, _name, _checked(_name))


class CacheDown(ConnectionError):
    pass


class RaisingCache(BaseCache):
    """Every call raises, as a cache client does without ``IGNORE_EXCEPTIONS``."""

    def __init__(self, location, params):
        super().__init__(params)


def _raises(name: str):
    def method(self, *args, **kwargs):
        raise CacheDown(f"cache.{name}(): the cache is down")

    method.__name__ = name
    return method


for _name in (*_READS, "add", "set", "set_many", "get_or_set"):
    setattr(RaisingCache, _name, _raises(_name))
