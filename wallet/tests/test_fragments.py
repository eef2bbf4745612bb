import pytest

from wallet.fragments import template_digest


@pytest.fixture
def templates(tmp_path, settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path],
            "OPTIONS": {"loaders": ["django.template.loaders.filesystem.Loader"]},
        }
    ]
    template_digest.cache_clear()
    yield tmp_path
    template_digest.cache_clear()


def test_a_changed_template_or_one_it_extends_gets_a_new_digest(templates):
    (templates / "base.html").write_text("<b>{% block x %}{% endblock %}</b>")
    (templates / "page.html").write_text('{% extends "base.html" %}{% block x %}hi{% endblock %}')
    digests = {template_digest("page.html")}

    (templates / "base.html").write_text("<i>{% block x %}{% endblock %}</i>")
    template_digest.cache_clear()  # as in a new process after a deploy
    digests.add(template_digest("page.html"))

    (templates / "page.html").write_text('{% extends "base.html" %}{% block x %}hey{% endblock %}')
    template_digest.cache_clear()
    digests.add(template_digest("page.html"))
    assert len(digests) == 3
