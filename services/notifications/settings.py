from pydantic import Field
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

    # Verification handshake before a subscription is stored (see README.md).
    # None means: on, except in the `test` environment, whose shared end-to-end
    # receiver does not answer challenges yet. Set it explicitly to decide.
    verify_subscriptions: bool | None = None
    verification_timeout_seconds: float = 5.0

    # Escalation of alerts nobody acknowledged.
    escalation_urgent_after_seconds: float = Field(3600.0, gt=0, description="urgent alerts: T, default one hour")
    escalation_working_days: int = Field(2, ge=1, le=30, description="normal-priority alerts: working days (Mon-Fri)")
    working_days_timezone: str = "Europe/Amsterdam"
    escalation_fallback: dict[str, str] = Field(
        default_factory=lambda: {"*": "ketenregie"},
        description='recipient organisation id -> fallback organisation id; "*" for every other recipient',
    )
    escalation_check_interval_seconds: float = Field(1.0, gt=0)

    @property
    def handshake_required(self) -> bool:
        if self.verify_subscriptions is not None:
            return self.verify_subscriptions
        return self.environment != "test"
