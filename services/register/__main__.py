"""Run the stand-in: `python -m services.register`.

REGISTER_HOST (default 127.0.0.1), REGISTER_PORT (default 8090) and, optionally,
REGISTER_API_KEY (then every request must send it in X-API-KEY).

The stand-in serves fictitious test persons only, so it runs only where
SIGNAL_ENVIRONMENT says development or test. Unset means production, like every
service of the chain: there triage must ask the real register, and the stand-in
refuses to start (exit code 2) rather than answer for real families.
"""

from __future__ import annotations

import logging
import os
import sys

import uvicorn

from services.register.app import create_app


STAND_IN_ENVIRONMENTS = ("development", "test")


def main() -> None:
    environment = os.environ.get("SIGNAL_ENVIRONMENT", "production")
    if environment not in STAND_IN_ENVIRONMENTS:
        print(
            f"register stand-in: refusing to start in {environment!r}: it serves fictitious persons only; "
            "set SIGNAL_ENVIRONMENT=development or test, or point TRIAGE_REGISTER_URL at the real register",
            file=sys.stderr,
        )
        raise SystemExit(2)
    host = os.environ.get("REGISTER_HOST", "127.0.0.1")
    port = int(os.environ.get("REGISTER_PORT", "8090"))
    level = os.environ.get("REGISTER_LOG_LEVEL", "info")
    logging.basicConfig(level=level.upper(), format="%(asctime)s register %(levelname)s %(name)s: %(message)s")
    app = create_app(api_key=os.environ.get("REGISTER_API_KEY") or None)
    uvicorn.run(app, host=host, port=port, log_level=level)


if __name__ == "__main__":
    main()
