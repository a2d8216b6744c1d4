# Magpie's production image: slim, non-root, production settings, static files collected at build.
#   docker build -t magpie .
#   docker compose up            (web, worker, scheduler, PostgreSQL, Redis: see compose.yaml)
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MAGPIE_LOG_FORMAT=json \
    PORT=8000
RUN useradd --system --create-home --uid 10001 --shell /usr/sbin/nologin magpie
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=magpie:magpie . /app
# collectstatic imports the production settings, which insist on real secrets: give it throwaway
# values for this one step (nothing is connected to; no secret is baked into the image).
RUN DJANGO_SECRET_KEY=collectstatic-only STRIPE_SECRET_KEY=sk_build STRIPE_WEBHOOK_SECRET=whsec_build \
    DATABASE_URL=postgres://build@127.0.0.1:1/build \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media && chown -R magpie:magpie /app/var
USER magpie
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/live/', timeout=4)"
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]
