# The portal's image: web (gunicorn), worker and beat all run it (see docker-compose.yml).
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# gettext compiles translations (locale/*.po) when the project has them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv

WORKDIR /app
# Dependencies first, from the lock only: this layer is rebuilt when uv.lock changes, not
# with every code change.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Static files are collected into the image (whitenoise serves them, hashed and compressed).
# The settings refuse to load without a SECRET_KEY; this one only exists during the build.
RUN export SECRET_KEY=build-only-not-a-secret DEBUG=0 \
    && /app/.venv/bin/python manage.py collectstatic --noinput
# The compiled catalogues (locale/*/LC_MESSAGES/django.mo) are committed: no gettext needed.


FROM python:3.11-slim

# Production: every process in the image, manage.py included, runs with DEBUG off.
ENV DEBUG=0
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=innocities.settings \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private

# WeasyPrint (progress-report PDFs) needs Pango and HarfBuzz at run time, and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 innocities \
    && useradd --system --uid 10001 --gid innocities --home-dir /app --no-create-home innocities \
    && mkdir -p /data/media /data/private /app/var/mail /app/var/celery/queue /app/var/celery/control \
    && chown -R innocities:innocities /data /app

WORKDIR /app
COPY --from=build --chown=innocities:innocities /app /app

USER innocities
EXPOSE 8000
CMD ["gunicorn", "innocities.wsgi", "-c", "python:innocities.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "3"]
