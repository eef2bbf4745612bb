"""A cache for the expensive public parts of the catalogue (free slots, day calendars).

Every entry's key holds the catalogue version, the language and the current minute:

- the version changes whenever something a public page shows can change (a provider, service,
  working hours, time off, category, owner's visibility or an appointment is saved or deleted),
  so a change is visible on the very next request;
- the minute makes slots that have just passed disappear without any write at all.

The version is bumped at once and again when the writing transaction commits: a reader that
rendered between the two stored its entry under the first bump's key, which the second retires.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "public-catalogue:version"
# An entry can only be read during the minute it was made in; this just frees memory.
ENTRY_SECONDS = 90


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        current = cache.get(VERSION_KEY)
    return current


def bump_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def invalidate(**_signal_kwargs) -> None:
    """Retire every cached public part (a signal receiver, or called after bulk writes)."""
    bump_version()
    transaction.on_commit(bump_version)


def fragment(name: str, *parts, build: Callable[[], str]) -> str:
    """The cached ``build()`` for ``name`` and ``parts``; built and stored on a miss."""
    minute = timezone.localtime().strftime("%Y%m%d%H%M")
    raw = "\x1f".join(str(p) for p in (version(), get_language(), minute, *parts))
    key = f"public:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, ENTRY_SECONDS)
    return html
