# Curious Lab: one image for the web process (gunicorn), the Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango (and HarfBuzz); libharfbuzz-subset0 makes font subsetting several
# times faster (without it WeasyPrint falls back to a slow Python subsetter).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      libjpeg62-turbo libopenjp2-7 shared-mime-info fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 curiouslab
WORKDIR /app

# Every package pinned with its hashes (requirements.txt, written by `make lock`).
COPY requirements.txt ./
RUN pip install --require-hashes --no-deps -r requirements.txt
COPY . .
RUN python scripts/compile_messages.py \
 && DEBUG=true STATIC_MANIFEST=true python manage.py collectstatic --noinput \
 && chown -R curiouslab:curiouslab /app

USER curiouslab
EXPOSE 8000
ENV STATIC_MANIFEST=true VAR_DIR=/app/var
# Processes, threads, bind and logs: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS).
CMD ["gunicorn", "curiouslab.wsgi:application"]
