from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ArrearsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ARREARS_", extra="ignore", populate_by_name=True)

    service_name: str = "arrears"
    database_url: str = "sqlite+aiosqlite:///.run/data/arrears.db"
    port: int = 8001
    retention_months_without_eviction: int = Field(12, ge=1, description="months after the last signal before a dwelling's sealed address is removed")
    retention_months_after_eviction: int = Field(24, ge=1, description="the same when the household was evicted")
    retention_interval_seconds: float = Field(3600.0, gt=0, description="how often the retention job runs")
