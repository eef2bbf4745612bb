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

from django.utils import timezone

from providers.models import Provider

from . import selectors

BATCH = 1_000
# Rows written per UPDATE: each statement commits on its own and locks only the rows it names,
# so a booking waiting for its shop's row waits for one small statement at most.
WRITE_BATCH = 100


def _as_aware(value: datetime | None) -> datetime | None:
    return timezone.make_aware(value) if value is not None else None


def _write(providers: list[Provider]) -> None:
    for start in range(0, len(providers), WRITE_BATCH):
        Provider.objects.bulk_update(providers[start : start + WRITE_BATCH], ["next_free_at"])


def refresh(*, provider_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute ``next_free_at`` for the public shops (or those of ``provider_ids``); clear it
    for shops that are not public. Returns how many rows changed.

    Reads take no locks, and every write names its rows by primary key in small statements:
    the refresh never holds a shop's row for longer than one such statement."""
    now = now or selectors.local_now()
    public = selectors.public_providers().order_by("pk")
    hidden = Provider.objects.exclude(next_free_at=None).exclude(pk__in=public.values("pk"))
    if provider_ids is not None:
        ids = list(provider_ids)
        public = public.filter(pk__in=ids)
        hidden = hidden.filter(pk__in=ids)
    gone = [Provider(pk=pk, next_free_at=None) for pk in hidden.values_list("pk", flat=True)]
    _write(gone)
    changed = len(gone)
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
        _write(stale)
        changed += len(stale)
