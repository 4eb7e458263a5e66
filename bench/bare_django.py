"""The least a Django JSON endpoint costs on this machine: parse a JSON body, answer 202.

The ceiling ``bench/track.py`` measures ``POST /api/track`` against, in the same run: no
database, no middleware, settings inline. Served by uvicorn as the project is:

    .venv/bin/python -m uvicorn bare_django:application --app-dir bench --workers 2

(with ``DJANGO_SETTINGS_MODULE`` unset).
"""

import json

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="x" * 50,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


@csrf_exempt
def track(request):
    body = json.loads(request.body)
    n = len(body.get("events", [body]))
    return JsonResponse({"accepted": n}, status=202)


urlpatterns = [path("api/track", track)]
application = get_asgi_application()
