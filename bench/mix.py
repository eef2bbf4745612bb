"""The realistic request mix: for each read page, a file of URLs drawn from the seeded database.

Real visitors do not ask for one URL over and over. Each page's requests are drawn from:

- shops by a Zipf-like popularity: the approved shops in a fixed random order, the shop of rank r
  drawn with weight 1 / r**s (s = ``zipf``, 1.0 by default: the most popular of 10,000 shops
  gets about 10 % of the visits, half of them go to the top ~100 shops, the rest spread thin);
- days uniform over the shop's booking horizon (today .. today + its ``max_days_ahead``);
- services uniform among the chosen shop's active services;
- search over the real city x category combinations of the approved shops (uniform), one in
  five of them sorted by price or by the soonest free slot, one in five on page 2 or 3;
- the wallet history of the bench provider by page number, page p with weight 1 / p**1.2;
- invoice PDFs uniform over the bench provider's completed bookings.

Only models and URL names are read, so the mix keeps working while the pages' insides change.
run.py writes one path per line; bench/wrk/mix.lua sends a random line per request.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class MixData:
    """What the URLs are drawn from, read once from the seeded database."""

    today: date
    shops: list[tuple[str, int]]  # (slug, max_days_ahead), in popularity order
    services: dict[str, list[int]]  # slug -> active service ids
    combos: list[tuple[str, str]]  # (city, category slug) with at least one approved shop
    wallet_pages: int = 1
    invoices: list[str] = field(default_factory=list)  # paths
    ids: dict[str, int] = field(default_factory=dict)  # slug -> provider id (API paths)


def zipf_cum_weights(n: int, s: float) -> list[float]:
    """Cumulative weights of ranks 1..n with weight 1 / rank**s."""
    return list(itertools.accumulate(1 / (rank**s) for rank in range(1, n + 1)))


def load(*, seed_value: int = 2026, wallet_page_size: int = 25) -> MixData:
    """Read the shops, services, search combinations and the bench provider's documents."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from bookings.models import Appointment
    from providers.models import Provider, Service
    from wallet.models import WalletTransaction

    approved = Provider.objects.filter(status=Provider.Status.APPROVED)
    shops = list(approved.order_by("id").values_list("slug", "max_days_ahead"))
    ids = dict(approved.values_list("slug", "id"))
    random.Random(seed_value).shuffle(shops)  # popularity is not the id order
    services: dict[str, list[int]] = {}
    for slug, sid in (
        Service.objects.filter(is_active=True, provider__in=approved)
        .order_by("provider_id", "id")
        .values_list("provider__slug", "id")
    ):
        services.setdefault(slug, []).append(sid)
    shops = [shop for shop in shops if shop[0] in services]
    combos = sorted(set(approved.values_list("city", "category__slug")))
    rows = WalletTransaction.objects.filter(user__provider__slug="bench-shop-1").count()
    completed = Appointment.objects.filter(
        provider__slug="bench-shop-1", status=Appointment.Status.COMPLETED
    ).order_by("id")
    try:
        invoices = [
            reverse("bookings:invoice", args=[pk]) for pk in completed.values_list("id", flat=True)
        ]
    except NoReverseMatch:  # no booking invoices on this site
        invoices = []
    return MixData(
        today=timezone.localdate(),
        shops=shops,
        services=services,
        combos=combos,
        wallet_pages=max(1, -(-rows // wallet_page_size)),
        invoices=invoices,
        ids=ids,
    )


def draw(data: MixData, size: int, *, zipf: float = 1.0, seed_value: int = 7) -> dict[str, list]:
    """``size`` request paths for each page: home, search, provider, slots, month, wallet,
    invoice and the API slot list (a page whose URL name the site lacks is left out)."""
    from django.urls import NoReverseMatch, reverse

    rng = random.Random(seed_value)
    weights = zipf_cum_weights(len(data.shops), zipf)

    def shop() -> tuple[str, int, int]:
        slug, ahead = rng.choices(data.shops, cum_weights=weights)[0]
        return slug, ahead, rng.choice(data.services[slug])

    def day(ahead: int) -> str:
        return (data.today + timedelta(days=rng.randint(0, ahead))).isoformat()

    # reverse() once per URL name, placeholders filled in per request: 140,000 reverse() calls
    # would take longer than a row of the benchmark. A name the site lacks raises
    # NoReverseMatch on first use, and that page is left out.
    slug_mark, id_mark = "bench-slug-mark", 987654321
    templates: dict[str, str] = {}

    def path(name: str, slug: str = "", sid: int | None = None) -> str:
        if name not in templates:
            args = [a for a in (slug and slug_mark, sid and id_mark) if a]
            made = reverse(name, args=args).replace(slug_mark, "{slug}")
            templates[name] = made.replace(str(id_mark), "{sid}")
        return templates[name].format(slug=slug, sid=sid)

    def search() -> str:
        city, category = rng.choice(data.combos)
        query = f"city={city}&category={category}"
        roll = rng.random()
        if roll < 0.2:
            query += "&sort=" + rng.choice(("price", "soonest"))
        elif roll < 0.4:
            query += f"&page={rng.choice((2, 3))}"
        return f"{path('bookings:search')}?{query}"

    def provider() -> str:
        return path("bookings:provider", shop()[0])

    def slots() -> str:
        slug, ahead, sid = shop()
        return f"{path('bookings:slots', slug, sid)}?date={day(ahead)}"

    def month() -> str:
        slug, _ahead, sid = shop()
        return path("bookings:book", slug, sid)

    page_weights = zipf_cum_weights(data.wallet_pages, 1.2)

    def wallet() -> str:
        page = rng.choices(range(1, data.wallet_pages + 1), cum_weights=page_weights)[0]
        base = path("wallet:home")
        return base if page == 1 else f"{base}?page={page}"

    def invoice() -> str:
        return rng.choice(data.invoices)

    def api_slots() -> str:
        # The API's twin of the slot fragment: the same shop, service and day draw.
        if "api_slots" not in templates:
            marks = {"provider_id": id_mark, "service_id": id_mark + 1}
            made = reverse("api:providers-slots", kwargs=marks)
            made = made.replace(str(id_mark + 1), "{sid}")
            templates["api_slots"] = made.replace(str(id_mark), "{pid}")
        slug, ahead, sid = shop()
        return f"{templates['api_slots'].format(pid=data.ids[slug], sid=sid)}?date={day(ahead)}"

    makers = {
        "home": lambda: path("home"),
        "search": search,
        "provider": provider,
        "slots": slots,
        "month": month,
        "wallet": wallet,
    }
    if data.invoices:
        makers["invoice"] = invoice
    if data.ids:
        makers["api_slots"] = api_slots

    mixes = {}
    for key, make in makers.items():
        try:
            mixes[key] = [make() for _ in range(size)]
        except NoReverseMatch:  # a page the site does not have (any more): not measured
            continue
    return mixes
