"""The public token board of today, for a TV at the shop (htmx refreshes its fragment)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from providers.models import Provider

from .. import selectors


def _board_context(provider: Provider) -> dict:
    status = selectors.queue_status(provider)
    return {
        "provider": provider,
        "now_serving": status.now_serving,
        "next_tokens": status.upcoming[:6],
        "waiting": status.waiting,
        "updated": timezone.localtime(),
    }


@require_GET
def queue_board(request: HttpRequest, slug: str) -> HttpResponse:
    """The public token board of today, for a TV at the shop; htmx refreshes it."""
    provider = get_object_or_404(selectors.public_providers(), slug=slug)
    return render(request, "bookings/queue_board.html", _board_context(provider))


@require_GET
def queue_board_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(selectors.public_providers(), slug=slug)
    return render(request, "bookings/_queue_board.html", _board_context(provider))
