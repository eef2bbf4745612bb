"""The benchmark's bare view exists only in the benchmark's URLconf, never in the site's."""

import pytest
from django.urls import Resolver404, resolve


def test_bare_view_is_mounted_only_by_the_bench_urlconf():
    with pytest.raises(Resolver404):
        resolve("/bench/bare", urlconf="config.urls")
    assert resolve("/bench/bare", urlconf="bench.urls").url_name == "bench_bare"
    # The bench URLconf is the site's plus that one view.
    assert resolve("/healthz", urlconf="bench.urls").url_name == "healthz"
