from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

DEV_LINK_KEY = "dev-only-monitor-link-key-change-me"


class MonitorSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MONITOR_", extra="ignore", populate_by_name=True)

    service_name: str = "monitor"
    database_url: str = "sqlite+aiosqlite:///.run/data/monitor.db"
    port: int = 8005
    generation: str = Field(
        "1",
        pattern=r"^[a-z0-9][a-z0-9\-]{0,19}$",
        description="part of the consumer group name: a new generation with an empty database re-reads every topic",
    )
    link_key: SecretStr = Field(
        SecretStr(DEV_LINK_KEY), description="keys the hashes of join keys, so the monitor's tables link to nothing else"
    )
    join_retention_days: int = Field(400, ge=1, description="unjoined facts and profiles older than this are purged")
    purge_interval_seconds: float = Field(3600.0, gt=0, description="how often old join rows are purged")

    @model_validator(mode="after")
    def _refuse_default_link_key_in_production(self) -> "MonitorSettings":
        if self.environment == "production" and self.link_key.get_secret_value() == DEV_LINK_KEY:
            raise ValueError("development default refused in production: set MONITOR_LINK_KEY")
        return self

    @property
    def consumer_name(self) -> str:
        """Consumer group (after the topic prefix) and processed-event name of this generation."""
        return f"monitor-gen-{self.generation}"
