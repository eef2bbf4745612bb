"""Uploaded shop photos are re-encoded: detected format only, no metadata, random name."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from providers.models import Provider

from .factories import image_upload
from .test_views import onboarding_data

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (12.0, 58.0, 10.0)}  # GPS latitude
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"home address")
    return buffer.getvalue()


def _onboard(client, user, category, upload):
    client.force_login(user)
    response = client.post(reverse("providers:onboarding"), onboarding_data(category, photo=upload))
    return response


def test_png_named_pdf_with_html_appended_is_stored_as_a_clean_png(
    client, new_provider_user, category
):
    png = image_upload().read()
    upload = SimpleUploadedFile(
        "x.pdf", png + b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    assert _onboard(client, new_provider_user, category, upload).status_code == 302
    photo = Provider.objects.get(user=new_provider_user).photo
    assert photo.name.endswith(".png")
    stored = photo.read()
    assert b"<html" not in stored and b"script" not in stored
    assert Image.open(BytesIO(stored)).format == "PNG"
    assert not photo.name.rsplit("/", 1)[-1].startswith("x")


def test_jpeg_metadata_is_stripped_and_the_name_is_random(client, new_provider_user, category):
    upload = SimpleUploadedFile("IMG_home.jpeg", _jpeg_with_gps(), content_type="image/jpeg")
    assert _onboard(client, new_provider_user, category, upload).status_code == 302
    photo = Provider.objects.get(user=new_provider_user).photo
    name = photo.name.rsplit("/", 1)[-1]
    assert name.endswith(".jpg") and "IMG_home" not in name and len(name) == 32 + 4
    stored = photo.read()
    assert b"SecretCam" not in stored and b"home address" not in stored
    image = Image.open(BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()


def test_webp_stays_webp(client, new_provider_user, category):
    upload = image_upload("shop.png", fmt="WEBP")  # misnamed on purpose
    assert _onboard(client, new_provider_user, category, upload).status_code == 302
    photo = Provider.objects.get(user=new_provider_user).photo
    assert photo.name.endswith(".webp")
    assert Image.open(BytesIO(photo.read())).format == "WEBP"


def test_a_gif_is_refused_whatever_it_is_called(client, new_provider_user, category):
    buffer = BytesIO()
    Image.new("P", (8, 8)).save(buffer, format="GIF")
    upload = SimpleUploadedFile("shop.png", buffer.getvalue(), content_type="image/png")
    response = _onboard(client, new_provider_user, category, upload)
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert not Provider.objects.exists()
