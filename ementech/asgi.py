"""ASGI entry point: Django for HTTP, Channels for WebSockets under ``/ws/``.

``POST /api/track`` is answered by ``analytics.fastpath.TrackASGIHandler`` before Django's
middleware chain (the ingestion hot path); every other HTTP request goes through the chain.

WebSocket connections are checked against ``ALLOWED_HOSTS`` (origin validator) and carry
the Django session user.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

# Django's ASGI handler, with POST /api/track answered on the event loop (analytics.fastpath)
from analytics.fastpath import TrackASGIHandler  # noqa: E402

django_asgi_app = TrackASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from ementech.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
