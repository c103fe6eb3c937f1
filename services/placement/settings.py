from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

DEFAULT_SEED = Path(__file__).parent / "seed" / "facilities.json"


class PlacementSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PLACEMENT_", extra="ignore", populate_by_name=True)

    service_name: str = "placement"
    database_url: str = "sqlite+aiosqlite:///.run/data/placement.db"
    port: int = 8003
    seed_file: Path = DEFAULT_SEED
    lost_from_view_days: int = Field(14, ge=1, description="days without update before a waitlisted family is lost from view")
    timer_interval_seconds: float = Field(5.0, gt=0, description="how often the lost-from-view and plan deadlines are checked")
    trajectory_plan_days: int = Field(42, ge=1, le=365, description="the trajectory plan is due this many days after placement (T14)")
    plan_reminder_days: int = Field(7, ge=0, le=365, description="the shelter is reminded this many days before the plan is due")
    retention_months: int = Field(12, ge=1, le=120, description="an ended or withdrawn request is deleted this long after it ended")
    case_region_retention_months: int = Field(
        24, ge=1, le=120, description="a case's region is deleted this long after triage last assessed the case (triage's own period)"
    )
    retention_interval_seconds: float = Field(3600.0, gt=0, description="how often the retention job runs")
