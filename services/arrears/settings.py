from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.arrears.domain.dates import DateWindow
from shared.settings import ServiceSettings


class ArrearsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ARREARS_", extra="ignore", populate_by_name=True)

    service_name: str = "arrears"
    database_url: str = "sqlite+aiosqlite:///.run/data/arrears.db"
    port: int = 8001
    retention_months_without_eviction: int = Field(12, ge=1, description="months after the last signal before a dwelling's sealed address is removed")
    retention_months_after_eviction: int = Field(24, ge=1, description="the same when the household was evicted")
    retention_interval_seconds: float = Field(3600.0, gt=0, description="how often the retention job runs")
    observed_future_tolerance_days: int = Field(1, ge=0, le=7, description="how far after today observed_on may lie (clocks, time zones)")
    observed_max_age_days: int = Field(1098, ge=30, description="how old observed_on may be without \"history\": true")
    eviction_window_past_days: int = Field(365, ge=0, description="how long before today an eviction_date may lie")
    eviction_window_future_days: int = Field(365, ge=1, description="how long after today an eviction_date may lie")

    @property
    def date_window(self) -> DateWindow:
        return DateWindow(
            future_tolerance_days=self.observed_future_tolerance_days,
            observed_max_age_days=self.observed_max_age_days,
            eviction_past_days=self.eviction_window_past_days,
            eviction_future_days=self.eviction_window_future_days,
        )
