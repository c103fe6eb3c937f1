"""Settings of the population-register stand-in (`REGISTER_` prefix).

The stand-in serves fictitious test persons only, so it runs only where
SIGNAL_ENVIRONMENT says development or test (unset means production, like every service
of the chain: there triage must ask the real register). Who may ask it:

- nobody checked (the default: `make up`);
- `REGISTER_API_KEY`: every request sends it as `X-API-KEY` (development and test);
- `REGISTER_OIDC_ISSUER`: every request sends an access token of that issuer for the
  register's audience (`Authorization: Bearer`), checked against the issuer's JWKS as the
  chain's services check theirs (shared.oidc); an API key is then refused. This is how
  triage reaches a register in production, and how the production check and
  docker-compose.yml run the stand-in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.oidc import OidcSettings

STAND_IN_ENVIRONMENTS = ("development", "test")
REGISTER_AUDIENCE = "urn:nld:brp"  # deploy/keycloak/realm.py gives triage's register client this audience


class RegisterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTER_", extra="ignore", populate_by_name=True)

    environment: Literal["development", "test", "production"] = Field(
        "production",
        validation_alias=AliasChoices("SIGNAL_ENVIRONMENT", "environment"),
        description="the stand-in starts only in development or test (fictitious persons only)",
    )
    host: str = Field("127.0.0.1", description="listen address")
    port: int = Field(8090, description="listen port")
    log_level: str = Field("info", description="uvicorn's log level")
    metrics_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("REGISTER_METRICS_TOKEN", "SIGNAL_METRICS_TOKEN", "metrics_token"),
        description="else SIGNAL_METRICS_TOKEN; when set, `/metrics` answers only the scraper showing it as bearer token",
    )
    api_key: SecretStr | None = Field(
        None, description="when set, requests must send it as `X-API-KEY` (not together with REGISTER_OIDC_ISSUER)"
    )
    oidc_issuer: str | None = Field(
        None,
        description="when set, requests must send an access token of this issuer for REGISTER_OIDC_AUDIENCE "
        "(`Authorization: Bearer`); API keys are then refused",
    )
    oidc_audience: str = Field(REGISTER_AUDIENCE, description="audience the register's access tokens must name")
    oidc_jwks_url: str | None = Field(
        None, description="the issuer's JWKS (e.g. its back-channel address); default: from its discovery document"
    )

    @model_validator(mode="after")
    def _one_way_to_authenticate(self) -> RegisterSettings:
        if self.api_key is not None and self.oidc_issuer:
            raise ValueError("REGISTER_API_KEY refused with REGISTER_OIDC_ISSUER: the register then takes access tokens only")
        return self

    @property
    def token_settings(self) -> OidcSettings | None:
        if not self.oidc_issuer:
            return None
        return OidcSettings(issuer=self.oidc_issuer, audience=self.oidc_audience, jwks_url=self.oidc_jwks_url)
