from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ArrearsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ARREARS_", extra="ignore", populate_by_name=True)

    service_name: str = "arrears"
    database_url: str = "sqlite+aiosqlite:///.run/data/arrears.db"
    port: int = 8001
