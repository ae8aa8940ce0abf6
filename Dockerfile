# Interop Hub API image. Configure with INTEROP_HUB_* environment variables, e.g.
#   docker run -p 8000:8000 -e INTEROP_HUB_DATABASE_URL=postgresql+psycopg://... interop-hub
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INTEROP_HUB_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
COPY mappings ./mappings
RUN pip install --no-cache-dir ".[postgres]" \
    && useradd --system --home /data --create-home hub

USER hub
VOLUME ["/data"]
EXPOSE 8000
# Migrate (idempotent), then serve.
CMD ["sh", "-c", "interop-hub db upgrade && interop-hub serve --host 0.0.0.0 --port 8000"]
