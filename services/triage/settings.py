from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings
from services.triage.rules import DEFAULT_RULES


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
    register_api_key: SecretStr | None = None
    register_timeout_seconds: float = 5.0
    register_attempts: int = 3
    register_cache_seconds: float = 300.0
    register_requests_per_second: float = Field(50.0, gt=0, description="at most this many requests per second to the register")
    register_burst: int = Field(10, ge=1, description="requests the register may get at once after a quiet spell")
    rules_file: Path = DEFAULT_RULES
    urgent_window_days: int = Field(14, ge=0, le=365, description="eviction this close, family not reached: urgent GGD alert")
    report_escalation_days: float = Field(7.0, gt=0, le=365, description="after a reminder, this long until escalation")
    timer_interval_seconds: float = Field(5.0, gt=0, le=3600, description="how often the deadline timer looks")

    def bewoning_base_url(self) -> str | None:
        if not self.use_bewoning:
            return None
        if self.bewoning_url:
            return self.bewoning_url
        base = self.register_url.rstrip("/")
        return base.removesuffix("/brp") + "/bewoning" if base.endswith("/brp") else None
