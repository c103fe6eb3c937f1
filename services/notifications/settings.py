from __future__ import annotations

from pydantic import Field, IPvAnyNetwork, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings
from services.notifications.callback_policy import CallbackPolicy


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", populate_by_name=True)

    service_name: str = "notifications"
    database_url: str = "sqlite+aiosqlite:///.run/data/notifications.db"
    port: int = 8004
    # Exponential backoff with jitter; the defaults reach about 24 hours (expected) over 14 attempts, like Open Notificaties.
    retry_first_delay_seconds: float = Field(60.0, gt=0, description="wait before the first retry; doubles per attempt")
    retry_max_delay_seconds: float = Field(6 * 3600.0, gt=0, description="longest wait between two attempts")
    retry_max_attempts: int = Field(14, ge=1, description="attempts before a delivery is dead-lettered")
    delivery_timeout_seconds: float = Field(10.0, gt=0, description="per webhook request")
    delivery_concurrency: int = Field(20, ge=1, description="webhook requests in flight at once")
    delivery_idle_poll_seconds: float = Field(
        2.0,
        gt=0,
        description="the longest the deliverer sleeps when nothing wakes it: how soon it finds deliveries another "
        "instance made and did not send (its own wake it at once, and it sleeps no longer than the next one is due)",
    )
    delivery_lease_seconds: float = Field(
        300.0,
        gt=0,
        description="a delivery claimed for sending is not claimed again for this long; more than the request timeout, "
        "the rest is how long a database outage may last before another instance could send it again",
    )

    verify_subscriptions: bool | None = Field(
        None,
        description="verification handshake before a subscription is stored; unset: on, except in the test environment",
    )
    verification_timeout_seconds: float = Field(5.0, gt=0, description="how long the callback may take to echo")
    callback_allowed_networks: list[IPvAnyNetwork] = Field(
        [],
        description='production: JSON list of internal networks callbacks may also be in, e.g. ["10.20.0.0/16"] '
        "(partners on an internal network); public addresses are always allowed, cloud metadata addresses never",
    )

    public_url: str | None = Field(
        None,
        pattern=r"^https?://[^/?#]+(/[^?#]*)?$",
        description="this service as partners reach it: the `url` of ZGW kanalen and abonnementen, and the inbox alert "
        "a ZGW alert notification points at; default http://<host>:<port>",
    )
    triage_url: str = Field(
        "http://127.0.0.1:8002",
        pattern=r"^https?://[^/?#]+(/[^?#]*)?$",
        description="triage as partners reach it: the case a ZGW alert notification points at (hoofdObject)",
    )
    placement_url: str = Field(
        "http://127.0.0.1:8003",
        pattern=r"^https?://[^/?#]+(/[^?#]*)?$",
        description="placement as partners reach it: the request a ZGW placement notification points at",
    )

    escalation_urgent_after_seconds: float = Field(3600.0, gt=0, description="urgent alerts: T, default one hour")
    escalation_working_days: int = Field(2, ge=1, le=30, description="normal-priority alerts: working days (Mon-Fri)")
    working_days_timezone: str = Field("Europe/Amsterdam", description="whose Monday to Friday counts")
    escalation_fallback: dict[str, str] = Field(
        {"*": "ketenregie"},
        description='JSON: recipient organisation id -> fallback organisation id; "*" for every other recipient',
    )
    escalation_check_interval_seconds: float = Field(1.0, gt=0, description="how often the escalation timer looks")
    retention_delivered_days: int = Field(30, ge=1, description="a delivered delivery (and its body) is deleted this long after delivery")
    retention_dead_days: int = Field(90, ge=1, description="a dead delivery is deleted this long after it was made")
    retention_inbox_months: int = Field(12, ge=1, le=120, description="an inbox alert is deleted this long after it was raised")
    retention_interval_seconds: float = Field(3600.0, gt=0, description="how often the retention job runs")

    @model_validator(mode="after")
    def _lease_outlasts_a_request(self) -> NotificationsSettings:
        if self.delivery_lease_seconds <= self.delivery_timeout_seconds:
            raise ValueError("NOTIFICATIONS_DELIVERY_LEASE_SECONDS must be longer than NOTIFICATIONS_DELIVERY_TIMEOUT_SECONDS")
        return self

    @model_validator(mode="after")
    def _partner_facing_addresses_in_production(self) -> NotificationsSettings:
        """ZGW notifications point partners at these; the loopback defaults would send them nowhere."""
        if self.environment == "production":
            unset = [f"NOTIFICATIONS_{name.upper()}" for name in ("public_url", "triage_url", "placement_url")
                     if name not in self.model_fields_set or not getattr(self, name)]  # fmt: skip
            if unset:
                raise ValueError(f"set {', '.join(unset)} in production: the addresses partners reach the services at")
        return self

    @property
    def callback_policy(self) -> CallbackPolicy:
        return CallbackPolicy.for_environment(self.environment, tuple(self.callback_allowed_networks))

    @property
    def handshake_required(self) -> bool:
        """Unset means on, except in the `test` environment: the shared end-to-end receiver
        (tests/support/webhook_receiver.py) does not answer challenges yet."""
        if self.verify_subscriptions is not None:
            return self.verify_subscriptions
        return self.environment != "test"

    @property
    def own_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
