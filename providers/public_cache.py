"""A cache for the expensive public parts of the catalogue (search cards, provider pages, day
calendars, free slots).

Every entry's key holds versions, the language and the current minute:

- the catalogue version changes whenever something any public page shows can change: a
  provider, service, working hours, time off, category or an owner's visibility is saved or
  deleted. These writes are rare (a shop edits its profile), so they retire everything;
- each provider also has a bookings version that changes when one of its appointments is saved
  or deleted. Bookings are the frequent write, and they only retire that provider's own pages
  (its page, booking calendar and free slots), so a busy shop does not empty everyone's cache;
- the minute makes slots that have just passed disappear without any write at all.

Search cards follow the catalogue version and the minute only: the "next free" time on a card
may trail a booking by up to a minute, while the provider's own pages, where a slot is picked,
show it on the very next request.

A version is bumped at once and again when the writing transaction commits: a reader that
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
# An entry is renewed in the first request of each minute; this just frees memory.
ENTRY_SECONDS = 90
# How long other requests may be served the previous minute's entry while one renews it.
RENEW_LOCK_SECONDS = 10
# Entries that show no times (lists of cities, categories) only change with the catalogue.
TIMELESS_ENTRY_SECONDS = 3600


def _bookings_key(slug: str) -> str:
    return f"public-catalogue:bookings:{slug}"


def versions(*keys: str) -> list[str]:
    """The current value of each version key (one cache round trip when all exist)."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def version() -> str:
    return versions(VERSION_KEY)[0]


def bump_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _bump_now_and_at_commit(bump: Callable[[], None]) -> None:
    bump()
    transaction.on_commit(bump)


def invalidate(**_signal_kwargs) -> None:
    """Retire every cached public part (a signal receiver, or called after bulk writes)."""
    _bump_now_and_at_commit(bump_version)


def invalidate_bookings(slug: str) -> None:
    """Retire the cached pages of the provider ``slug`` that show its free slots."""
    _bump_now_and_at_commit(lambda: cache.set(_bookings_key(slug), uuid.uuid4().hex, None))


def appointment_changed(sender, instance, **_signal_kwargs) -> None:
    """Signal receiver for an appointment saved or deleted."""
    invalidate_bookings(instance.provider.slug)


def fragment(
    name: str, *parts, build: Callable[[], str], provider: str = "", timeless: bool = False
) -> str:
    """The cached ``build()`` for ``name`` and ``parts``; built and stored on a miss.

    ``provider`` (a slug) ties the entry to that provider's bookings as well as the catalogue;
    pass it for anything showing the provider's free slots. ``timeless`` entries show no times,
    so they are not renewed every minute.

    When the minute turns, one request renews an entry while the others, for the few
    milliseconds that takes, are served the previous minute's (same versions, so no change
    was missed): busy pages are not rebuilt by every worker at once."""
    keys = (VERSION_KEY, _bookings_key(provider)) if provider else (VERSION_KEY,)
    raw = "\x1f".join(str(p) for p in (*versions(*keys), get_language(), *parts))
    key = f"public:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"
    if timeless:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, TIMELESS_ENTRY_SECONDS)
        return value
    minute = timezone.localtime().strftime("%Y%m%d%H%M")
    entry = cache.get(key)  # (minute, value)
    renewing = f"{key}:renewing:{minute}"
    if entry is not None and (entry[0] == minute or not cache.add(renewing, 1, RENEW_LOCK_SECONDS)):
        return entry[1]  # this minute's, or the last one's while another request renews it
    value = build()
    cache.set(key, (minute, value), ENTRY_SECONDS)
    return value
