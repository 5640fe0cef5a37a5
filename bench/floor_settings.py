"""The ticket system's settings with the floor URLconf: `DJANGO_SETTINGS_MODULE=floor_settings`."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
