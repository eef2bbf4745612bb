"""Each shop's soonest free slot, kept on its row (``providers.next_free_at``) so that search can
sort by it in SQL, a page at a time, however many shops match.

Working it out takes the shop's hours, time off and bookings for the week ahead: a fraction of a
millisecond per shop, far too much to do for every matching shop on a search request. The
refresh runs every minute (Celery beat, or ``manage.py refresh_next_free`` from cron) over all
public shops in batches and writes only the values that changed, without signals: the column is
derived data, not an edit of the shop (no audit entry, no cache invalidation). Search cards still
show each shop's exact next free time, computed for the page being shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from providers.models import Provider

from . import selectors

BATCH = 1_000


def _as_aware(value: datetime | None) -> datetime | None:
    return timezone.make_aware(value) if value is not None else None


def refresh(*, provider_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute ``next_free_at`` for the public shops (or those of ``provider_ids``); clear it
    for shops that are not public. Returns how many rows changed."""
    now = now or selectors.local_now()
    public = selectors.public_providers().order_by("pk")
    hidden = Provider.objects.exclude(pk__in=public.values("pk")).exclude(next_free_at=None)
    if provider_ids is not None:
        ids = list(provider_ids)
        public = public.filter(pk__in=ids)
        hidden = hidden.filter(pk__in=ids)
    changed = hidden.update(next_free_at=None)
    last_pk = 0
    while True:
        batch = list(public.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return changed
        last_pk = batch[-1].pk
        soonest = selectors.next_free_slots(batch, now=now)
        stale = []
        for provider in batch:
            value = _as_aware(soonest.get(provider.pk))
            if provider.next_free_at != value:
                provider.next_free_at = value
                stale.append(provider)
        with transaction.atomic():
            Provider.objects.bulk_update(stale, ["next_free_at"])
        changed += len(stale)
