"""A shop photo uploaded through the Django admin is cleaned as the portal cleans it
(``providers.forms.photo_clean``): checked, re-encoded, stored under a random name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from providers.models import Provider
from providers.tests.factories import ProviderFactory, image_upload

from .test_admin_saves import _form_data

pytestmark = pytest.mark.django_db


def test_a_photo_uploaded_in_the_admin_is_re_encoded_too(staff_client):
    provider = ProviderFactory()
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    data = _form_data(staff_client.get(url))
    png = image_upload().read()
    data["photo"] = SimpleUploadedFile(
        "x.pdf", png + b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Provider.objects.get(pk=provider.pk).photo
    assert photo.name.endswith(".png") and "x.pdf" not in photo.name
    assert b"<html" not in photo.read()


def test_the_admin_refuses_a_file_that_is_not_an_image(staff_client):
    provider = ProviderFactory()
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    data = _form_data(staff_client.get(url))
    data["photo"] = SimpleUploadedFile("shop.jpg", b"GIF89a not really", content_type="image/jpeg")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert not Provider.objects.get(pk=provider.pk).photo
