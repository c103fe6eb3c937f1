from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings
from services.triage.rules import DEFAULT_RULES


class TriageSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore", populate_by_name=True)

    service_name: str = "triage"
    database_url: str = "sqlite+aiosqlite:///.run/data/triage.db"
    port: int = 8002
    register_url: str = "http://127.0.0.1:8090/haalcentraal/api/brp"
    register_api_key: SecretStr | None = None
    register_timeout_seconds: float = 5.0
    register_attempts: int = 3
    register_cache_seconds: float = 300.0
    rules_file: Path = DEFAULT_RULES
