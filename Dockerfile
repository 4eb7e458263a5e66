# Service-mode image: one image for web, worker and beat (see compose.yaml).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /venv
# The whole tree minus tests and bench (see .dockerignore): every app is a package.
COPY . .
RUN /venv/bin/pip install .
# The embedding model as ONNX, exported and checked against PyTorch once, here (no download).
RUN /venv/bin/python -m ementech.ai.onnx_export /app/models/all-MiniLM-L6-v2.onnx

FROM python:3.11-slim AS runtime
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=ementech.settings.base \
    EMENTECH_VAR_DIR=/var/lib/engage HF_HUB_OFFLINE=1 \
    EMBEDDING_ONNX_PATH=/app/models/all-MiniLM-L6-v2.onnx
RUN useradd --system --create-home --uid 10001 engage \
    && mkdir -p /var/lib/engage && chown engage /var/lib/engage
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=engage . .
COPY --from=build /app/models /app/models
USER engage
RUN DEBUG=1 python manage.py collectstatic --noinput
EXPOSE 8000
# Forwarded headers are trusted only from FORWARDED_ALLOW_IPS (see `manage.py web`).
CMD ["python", "manage.py", "web", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
