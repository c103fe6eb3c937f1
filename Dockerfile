# One image for every service and its migration; the command picks which:
#   docker run signaalketen:0.1.0 services.triage            # the service
#   docker run signaalketen:0.1.0 services.triage migrate    # its database to the current schema, then exit
#   docker run signaalketen:0.1.0 services.cli topics create # the topics from deploy/kafka/topics.yaml
# docker-compose.yml runs it so; tests/unit/deploy/test_container_image.py checks these files suffice.
FROM python:3.11.13-slim-bookworm
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY deploy/kafka/topics.yaml ./deploy/kafka/topics.yaml
RUN pip install --no-cache-dir . && useradd --system --uid 10001 chain
USER chain
# Production by default: the services then refuse every development secret and need
# SIGNAL_OIDC_ISSUER and generated keys (deploy/configuration.md).
ENV SIGNAL_ENVIRONMENT=production
ENTRYPOINT ["python", "-m"]
CMD ["services.arrears"]
