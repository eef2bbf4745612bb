import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from providers.models import Category

pytestmark = pytest.mark.django_db


def test_home_explains_the_service_and_lists_categories(client):
    Category.objects.create(name="Dental", slug="dental", icon="emoji-smile")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Book a slot, get a token" in body
    assert "Dental" in body


def test_home_categories_come_from_the_cache_and_follow_admin_edits(
    client, admin_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    dental = Category.objects.create(name="Dental", slug="dental", icon="emoji-smile")
    client.get(reverse("home"))
    with django_assert_num_queries(0):
        assert "Dental" in client.get(reverse("home")).text
    dental.name = "Dental care"
    request = RequestFactory().post("/admin/providers/category/")
    request.user = admin_user
    with django_capture_on_commit_callbacks(execute=True):
        admin.site._registry[Category].save_model(request, dental, form=None, change=True)
    assert "Dental care" in client.get(reverse("home")).text


def test_unknown_page_gets_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_healthz_reports_database_and_cache(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "ok"


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.headers["Location"] == "/static/img/favicon.svg"
