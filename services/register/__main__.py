"""Run the stand-in: `python -m services.register`.

REGISTER_HOST (default 127.0.0.1), REGISTER_PORT (default 8090) and, optionally,
REGISTER_API_KEY (then every request must send it in X-API-KEY).
"""

from __future__ import annotations

import logging
import os

import uvicorn

from services.register.app import create_app


def main() -> None:
    host = os.environ.get("REGISTER_HOST", "127.0.0.1")
    port = int(os.environ.get("REGISTER_PORT", "8090"))
    level = os.environ.get("REGISTER_LOG_LEVEL", "info")
    logging.basicConfig(level=level.upper(), format="%(asctime)s register %(levelname)s %(name)s: %(message)s")
    app = create_app(api_key=os.environ.get("REGISTER_API_KEY") or None)
    uvicorn.run(app, host=host, port=port, log_level=level)


if __name__ == "__main__":
    main()
