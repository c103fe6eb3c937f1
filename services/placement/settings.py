from pathlib import Path

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

DEFAULT_SEED = Path(__file__).parent / "seed" / "facilities.json"


class PlacementSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PLACEMENT_", extra="ignore", populate_by_name=True)

    service_name: str = "placement"
    database_url: str = "sqlite+aiosqlite:///.run/data/placement.db"
    port: int = 8003
    seed_file: Path = DEFAULT_SEED
