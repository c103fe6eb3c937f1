"""`python -m services.portal`: settings from the environment, then uvicorn."""

import uvicorn

from services.portal.app import create_app
from services.portal.settings import PortalSettings
from shared.entrypoint import load_settings
from shared.logging import configure

settings = load_settings(PortalSettings)
configure("portal", settings.log_level, settings.log_lines)
uvicorn.run(
    create_app(settings),
    host=settings.host,
    port=settings.port,
    log_level="warning",
    access_log=False,  # URLs carry case pseudonyms; the services log what they need
    timeout_graceful_shutdown=10,
)
