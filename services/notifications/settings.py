from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", populate_by_name=True)

    service_name: str = "notifications"
    database_url: str = "sqlite+aiosqlite:///.run/data/notifications.db"
    port: int = 8004
    # Exponential backoff with jitter; the defaults reach about 24 hours (expected) over 14 attempts, like Open Notificaties.
    retry_first_delay_seconds: float = 60.0
    retry_max_delay_seconds: float = 6 * 3600.0
    retry_max_attempts: int = 14
    delivery_timeout_seconds: float = 10.0
    delivery_concurrency: int = 20
