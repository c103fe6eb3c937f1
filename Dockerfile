# One image for every service; the command picks the service (python -m services.<name>).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY deploy/local/organisations.json ./deploy/local/organisations.json
RUN pip install --no-cache-dir .
RUN useradd --system --uid 10001 chain
USER chain
ENV SIGNAL_ENVIRONMENT=production
