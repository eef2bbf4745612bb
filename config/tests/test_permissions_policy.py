"""Every response denies the browser features the site does not use (Permissions-Policy)."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/"])
def test_permissions_policy_denies_unused_features(client, path):
    header = client.get(path)["Permissions-Policy"]
    features = dict(item.split("=", 1) for item in header.split(", "))
    for feature in ("camera", "microphone", "geolocation", "usb", "interest-cohort"):
        assert features[feature] == "()", feature
    assert (
        features["payment"] == '(self "https://api.razorpay.com" "https://checkout.razorpay.com")'
    )


@pytest.mark.django_db
def test_csp_allows_no_base_element_and_no_plugins(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
