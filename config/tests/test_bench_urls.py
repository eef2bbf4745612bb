"""The benchmark's bare view exists only in the benchmark's URLconf, never in the site's."""

import pytest
from django.urls import Resolver404, resolve


def test_bare_view_is_mounted_only_by_the_bench_urlconf():
    with pytest.raises(Resolver404):
        resolve("/bench/bare", urlconf="config.urls")
    assert resolve("/bench/bare", urlconf="bench.urls").url_name == "bench_bare"
    # The bench URLconf is the site's plus that one view.
    assert resolve("/healthz", urlconf="bench.urls").url_name == "healthz"


def test_the_realistic_mix_draws_popular_shops_often_and_stays_inside_the_site():
    """bench/mix.py: shops by Zipf popularity, days inside each shop's horizon, services of
    the drawn shop, search over the given city x category pairs; every path resolves."""
    from collections import Counter
    from datetime import date, timedelta
    from urllib.parse import parse_qs, urlsplit

    from bench import mix

    today = date(2026, 11, 30)
    shops = [(f"shop-{n}", 3) for n in range(1, 201)]  # popularity order: shop-1 first
    data = mix.MixData(
        today=today,
        shops=shops,
        services={slug: [n * 10 + 1, n * 10 + 2] for n, (slug, _ahead) in enumerate(shops, 1)},
        combos=[("Pune", "clinic"), ("Delhi", "salon-spa")],
        wallet_pages=40,
        invoices=["/bookings/7/invoice.pdf"],
    )
    mixes = mix.draw(data, 4_000, zipf=1.0)
    assert set(mixes) == {"home", "search", "provider", "slots", "month", "wallet", "invoice"}

    visits = Counter(resolve(path).kwargs["slug"] for path in mixes["provider"])
    assert visits.most_common(1)[0][0] == "shop-1"
    assert visits["shop-1"] > 5 * visits["shop-50"]  # 1/1 against 1/50, with room for chance
    assert len(visits) > 100  # and a long tail

    for path in mixes["slots"]:
        url = urlsplit(path)
        match = resolve(url.path)
        assert match.url_name == "slots"
        n = int(match.kwargs["slug"].removeprefix("shop-"))
        assert match.kwargs["service_id"] in data.services[f"shop-{n}"]
        day = date.fromisoformat(parse_qs(url.query)["date"][0])
        assert today <= day <= today + timedelta(days=3)

    searched = [parse_qs(urlsplit(path).query) for path in mixes["search"]]
    assert {(q["city"][0], q["category"][0]) for q in searched} == set(data.combos)
    assert 0.1 < sum("sort" in q for q in searched) / len(searched) < 0.3
    assert 0.1 < sum("page" in q for q in searched) / len(searched) < 0.3
    assert {resolve(urlsplit(p).path).url_name for p in mixes["wallet"]} == {"home"}
