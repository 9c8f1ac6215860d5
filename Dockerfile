# A first production image: non-root, gunicorn, static files served by whitenoise.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv==0.13.9 \
 && useradd --create-home --uid 10001 app

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY --chown=app:app . .
# collectstatic needs settings; a throwaway key is fine because nothing is signed at build time.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && mkdir -p /app/var && chown app:app /app/var

USER app
EXPOSE 8000
# Liveness only: readiness (/readyz) is for the orchestrator, which knows what to do with it.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
# Workers, threads, timeouts, JSON access log and Prometheus' multiprocess directory all come
# from dashboard/gunicorn.conf.py (override with WEB_CONCURRENCY, GUNICORN_THREADS, ...).
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c dashboard/gunicorn.conf.py"]
