"""Celery app. Without a broker (local default) tasks run eagerly in the web process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("booking")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
