"""What the public catalogue keeps in Django's cache, under which keys, for how long, and who
deletes it.

Every entry has a TTL and is only written for something that exists (a 404 is raised before any
template fragment renders). The services that change the data delete the keys after their
transaction commits; a failing delete is logged and the entry expires with its TTL. A cache that
is down is a miss: pages come from the database (settings: django-redis ``IGNORE_EXCEPTIONS``).

- ``{% cache HOME_CATEGORIES_TTL "home_categories" LANGUAGE_CODE %}`` (home.html): the category
  tiles. Deleted when a category is saved or deleted in the admin.
- ``SEARCH_CHOICES_KEY`` (low-level API): the category and city choices of the search form.
  Deleted when a category, a shop's profile or a shop's status changes.
- ``{% cache SEARCH_RESULTS_TTL "search_results" ... %}`` (bookings/search.html): a page of
  search result cards with each shop's next free time, for the everyday filters (no free text,
  first pages). Never deleted: cards may trail a booking or an edit by up to the TTL.
- ``{% cache PROVIDER_PAGE_TTL "provider_page" provider.pk today LANGUAGE_CODE %}``
  (bookings/provider_detail.html): a shop's services, opening hours, time off and booking
  rules. Deleted when any of those changes through ``providers.services``. The shop itself
  (looked up by slug: an unknown or hidden shop is a 404 before anything is cached) and its
  next free slot are read on every request, so a booking or a blocked owner shows at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

HOME_CATEGORIES_TTL = 300
SEARCH_CHOICES_KEY = "catalogue:search-choices"
SEARCH_CHOICES_TTL = 300
SEARCH_RESULTS_TTL = 60
PROVIDER_PAGE_TTL = 300


def provider_page_keys(provider_id: int) -> list[str]:
    """Today's ``{% cache %}`` keys of a shop's page, one per language (the fragment varies
    by day: it marks today's opening hours and lists the coming time off)."""
    today = timezone.localdate()
    return [
        make_template_fragment_key("provider_page", [provider_id, today, code])
        for code, _name in settings.LANGUAGES
    ]


def home_categories_keys() -> list[str]:
    return [
        make_template_fragment_key("home_categories", [code]) for code, _name in settings.LANGUAGES
    ]


def delete_after_commit(keys: Iterable[str]) -> None:
    """Delete ``keys`` once the current transaction commits (at once outside one).

    Never inside the transaction: a slow or dead cache must not hold row locks or roll back a
    write. A failure is logged, never raised; the entries then expire with their TTL.
    """
    keys = list(keys)

    def delete() -> None:
        try:
            cache.delete_many(keys)
        except Exception:  # noqa: BLE001 - any cache failure is a log line, not an error
            logger.warning("could not delete cache keys %s", keys, exc_info=True)

    transaction.on_commit(delete, robust=True)


def shop_changed(provider_id: int) -> None:
    """A shop's public page or its place in the search choices changed: forget both after
    commit."""
    delete_after_commit([SEARCH_CHOICES_KEY, *provider_page_keys(provider_id)])


def categories_changed() -> None:
    """A category was added, edited or deleted: forget the home tiles and search choices."""
    delete_after_commit([SEARCH_CHOICES_KEY, *home_categories_keys()])
