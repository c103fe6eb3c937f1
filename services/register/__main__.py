"""Run the stand-in: `python -m services.register` (settings: services/register/settings.py).

The stand-in serves fictitious test persons only, so it runs only where
SIGNAL_ENVIRONMENT says development or test. Unset means production, like every
service of the chain: there triage must ask the real register, and the stand-in
refuses to start (exit code 2) rather than answer for real families.
"""

from __future__ import annotations

import logging
import sys

import uvicorn
from pydantic import ValidationError

from services.register.app import create_app
from services.register.settings import STAND_IN_ENVIRONMENTS, RegisterSettings
from shared.oidc import OidcVerifier


def main() -> None:
    try:
        settings = RegisterSettings()
    except ValidationError as error:
        print(f"register stand-in: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    if settings.environment not in STAND_IN_ENVIRONMENTS:
        print(
            f"register stand-in: refusing to start in {settings.environment!r}: it serves fictitious persons only; "
            "set SIGNAL_ENVIRONMENT=development or test, or point TRIAGE_REGISTER_URL at the real register",
            file=sys.stderr,
        )
        raise SystemExit(2)
    level = settings.log_level
    logging.basicConfig(level=level.upper(), format="%(asctime)s register %(levelname)s %(name)s: %(message)s")
    tokens = settings.token_settings
    app = create_app(
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        verifier=OidcVerifier(tokens) if tokens else None,
        metrics_token=settings.metrics_token.get_secret_value() if settings.metrics_token else None,
        test_hooks=settings.environment == "test",  # a family moves (services/register/moves.py)
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=level)


if __name__ == "__main__":
    main()
