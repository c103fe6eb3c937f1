from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.client_credentials import ClientCredentials
from shared.processing import ProcessingActivity
from shared.settings import ServiceSettings
from services.triage.brp.protocol import REGISTER_CLIENT, Protocol
from services.triage.districts import DEFAULT_FOLDER as DEFAULT_DISTRICT_FILES
from services.triage.rules import DEFAULT_RULES

DEV_PERSON_KEY = "dev-only-person-key-change-me"


class TriageSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore", populate_by_name=True)

    service_name: str = "triage"
    database_url: str = "sqlite+aiosqlite:///.run/data/triage.db"
    port: int = 8002
    register_url: str = "http://127.0.0.1:8090/haalcentraal/api/brp"
    bewoning_url: str | None = Field(
        None, description="BRP Bewoning base URL; default: register_url with /brp replaced by /bewoning"
    )
    use_bewoning: bool = Field(True, description="ask BRP Bewoning (who lived there on the date) before Personen")
    register_api_key: SecretStr | None = Field(
        None, description="X-API-KEY for the register (development and test only; refused in production)"
    )
    # In production triage authenticates at the register with an access token of its register client.
    register_client_id: str = Field(REGISTER_CLIENT, description="triage's client id at the identity provider, for the register")
    register_client_secret: SecretStr | None = Field(
        None,
        description="that client's secret: triage then fetches access tokens by client credentials and sends them as "
        "Authorization: Bearer (required in production)",
    )
    register_token_url: str | None = Field(
        None,
        description="the token endpoint for the register client; default: Keycloak's, "
        "<SIGNAL_OIDC_ISSUER>/protocol/openid-connect/token (a back-channel address inside the network may go here)",
    )
    person_key: SecretStr = Field(
        SecretStr(DEV_PERSON_KEY),
        description="HMAC key of the person pseudonyms that link a family's cases across addresses (triage's own; "
        "docs/adr/0038); changing it unlinks every case recorded before",
    )
    register_timeout_seconds: float = 5.0
    register_attempts: int = 3
    register_cache_seconds: float = 300.0
    register_requests_per_second: float = Field(50.0, gt=0, description="at most this many requests per second to the register")
    register_burst: int = Field(10, ge=1, description="requests the register may get at once after a quiet spell")
    rules_file: Path = DEFAULT_RULES
    district_files: Path = Field(
        DEFAULT_DISTRICT_FILES,
        description="folder of <gemeentecode>.csv files: postcode areas per district (services/triage/districts/README.md)",
    )
    urgent_window_days: int = Field(14, ge=0, le=365, description="eviction this close, family not reached: urgent GGD alert")
    report_escalation_days: float = Field(7.0, gt=0, le=365, description="after a reminder, this long until escalation")
    timer_interval_seconds: float = Field(5.0, gt=0, le=3600, description="how often the deadline timer looks")
    follow_up_months: int = Field(
        12, ge=1, le=60, description="how long after a prevention alert triage watches what happens at the dwelling"
    )
    retention_months: int = Field(
        24, ge=1, le=120, description="a case (timeline, alerts, composition) is deleted this long after its last activity"
    )
    retention_interval_seconds: float = Field(3600.0, gt=0, description="how often the retention job runs")
    # What every register request says about itself (services/triage/brp/protocol.py) and its audit row names.
    register_doelbinding: str = Field(
        "signaalketen-voorkomen-huisuitzetting", description="x-doelbinding: the purpose binding of the BRP authorisation"
    )
    register_verwerking: str = Field("Triage van signalen", description="x-verwerking: the processing activity's name")
    register_origin_oin: str | None = Field(None, description="x-origin-oin; default: SIGNAL_CHAIN_OIN")
    register_processing_activity_id: str = Field(
        "urn:nld:signaalketen:verwerkingsactiviteit:triage-huishoudsamenstelling",
        description="URI of the register lookup's processing activity (audit rows)",
    )
    register_legal_basis: str = Field(
        "Wet BRP art. 3.3 (verstrekking aan organen van de gemeente); Wet gemeentelijke schuldhulpverlening art. 3a",
        description="legal basis of the register lookup (audit rows)",
    )

    @model_validator(mode="after")
    def _register_tokens_in_production(self) -> TriageSettings:
        if self.environment != "production":
            return self
        if self.person_key.get_secret_value() in (DEV_PERSON_KEY, ""):
            raise ValueError("development defaults refused in production: set TRIAGE_PERSON_KEY")
        if self.register_api_key is not None:
            raise ValueError("TRIAGE_REGISTER_API_KEY refused in production: triage sends the register client's access token")
        secret = self.register_client_secret.get_secret_value() if self.register_client_secret else ""
        if not secret or secret == f"dev-{self.register_client_id}":
            raise ValueError("development defaults refused in production: set TRIAGE_REGISTER_CLIENT_SECRET")
        if self.register_token_endpoint is None:
            raise ValueError("set TRIAGE_REGISTER_TOKEN_URL (or SIGNAL_OIDC_ISSUER) for the register client's tokens")
        return self

    @property
    def register_token_endpoint(self) -> str | None:
        if self.register_token_url:
            return self.register_token_url
        return f"{self.oidc_issuer.rstrip('/')}/protocol/openid-connect/token" if self.oidc_issuer else None

    @property
    def register_credentials(self) -> ClientCredentials | None:
        """The register client's credentials, when triage authenticates with tokens."""
        if self.register_client_secret is None or self.register_token_endpoint is None:
            return None
        secret = self.register_client_secret.get_secret_value()
        return ClientCredentials(self.register_token_endpoint, self.register_client_id, secret)

    @property
    def register_protocol(self) -> Protocol:
        return Protocol(
            doelbinding=self.register_doelbinding,
            verwerking=self.register_verwerking,
            origin_oin=self.register_origin_oin or self.chain_oin,
            gebruiker=REGISTER_CLIENT,
        )

    @property
    def register_activity(self) -> ProcessingActivity:
        return ProcessingActivity(self.register_processing_activity_id, self.register_legal_basis)

    def bewoning_base_url(self) -> str | None:
        if not self.use_bewoning:
            return None
        if self.bewoning_url:
            return self.bewoning_url
        base = self.register_url.rstrip("/")
        return base.removesuffix("/brp") + "/bewoning" if base.endswith("/brp") else None
