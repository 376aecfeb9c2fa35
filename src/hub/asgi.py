"""ASGI entry point (served by uvicorn through `efactura serve`): Django behind the request-size cap."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
django_application = get_asgi_application()

from hub.core.bodylimit import BodySizeLimit  # noqa: E402  (settings must be configured first)

application = BodySizeLimit(django_application)  # type: ignore[arg-type]
