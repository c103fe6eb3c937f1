"""The production check's processes get what production requires: every instance's
settings class accepts the environment the check gives it (so the ten-minute run cannot
fail at start-up for a missing variable), triage reaches the register with its register
client's token and no API key, and the stand-in takes only Keycloak's tokens."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import SimpleNamespace

from cryptography.fernet import Fernet

from tests.production.deployment import Deployment
from tests.support.production import organisations_without_keys

SETTINGS = {
    "arrears": "ArrearsSettings", "triage": "TriageSettings", "placement": "PlacementSettings",
    "notifications": "NotificationsSettings", "monitor": "MonitorSettings", "portal": "PortalSettings",
}  # fmt: skip
ISSUER = "http://127.0.0.1:28999/realms/signaalketen"
OWN_PREFIXES = ("SIGNAL_", "ARREARS_", "TRIAGE_", "PLACEMENT_", "NOTIFICATIONS_", "MONITOR_", "PORTAL_", "REGISTER_")


def planned(tmp_path: Path) -> Deployment:
    infra = SimpleNamespace(
        cluster=SimpleNamespace(bootstrap="127.0.0.1:29101,127.0.0.1:29102,127.0.0.1:29103"),
        keycloak=SimpleNamespace(issuer=ISSUER),
        postgres=SimpleNamespace(url=lambda name: f"postgresql+asyncpg://signal:signal@127.0.0.1:29200/{name}"),
    )
    secrets = SimpleNamespace(
        pseudonym_key="a-key-of-the-run", address_keys=Fernet.generate_key().decode(), link_key="a-link-key-of-the-run",
        organisations_file=organisations_without_keys(tmp_path), register_client_secret="register-secret-of-the-run",
        portal_client_secret="portal-secret-of-the-run", metrics_token="a-scraper-token-of-the-run",
        certificates=SimpleNamespace(ca_file=tmp_path / "ca.pem"),
    )  # fmt: skip
    return Deployment.plan(infra, secrets, tmp_path)


def settings_of(process, monkeypatch):
    for name in [name for name in os.environ if name.startswith(OWN_PREFIXES)]:
        monkeypatch.delenv(name)
    for name, value in process._env.items():
        if name.startswith(OWN_PREFIXES):
            monkeypatch.setenv(name, value)
    if process.service == "register":
        return importlib.import_module("services.register.settings").RegisterSettings()
    return getattr(importlib.import_module(f"services.{process.service}.settings"), SETTINGS[process.service])()


def test_every_instance_of_the_check_starts_in_production_with_the_environment_it_gets(tmp_path, monkeypatch):
    deployment = planned(tmp_path)
    for service, instances in deployment.instances.items():
        assert len(instances) == 2, service
        for process in instances:
            assert settings_of(process, monkeypatch).environment == "production", process.module


def test_triage_asks_the_register_with_its_clients_token_and_the_register_takes_only_keycloaks(tmp_path, monkeypatch):
    deployment = planned(tmp_path)
    triage = settings_of(deployment.instances["triage"][0], monkeypatch)
    assert triage.register_api_key is None
    assert triage.register_credentials.token_url == ISSUER + "/protocol/openid-connect/token"
    assert triage.register_credentials.client_secret == "register-secret-of-the-run"
    register = settings_of(deployment.register, monkeypatch)
    assert register.environment == "development"  # the stand-in (fictitious persons) refuses production
    assert register.api_key is None and register.token_settings.issuer == ISSUER
    notifications = settings_of(deployment.instances["notifications"][1], monkeypatch)
    assert notifications.own_url == deployment.instances["notifications"][1].url
