import pytest
from pydantic import ValidationError

from services.arrears.settings import ArrearsSettings


def test_production_refuses_the_development_secrets(monkeypatch):
    monkeypatch.setenv("SIGNAL_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="SIGNAL_PSEUDONYM_KEY"):
        ArrearsSettings()


def test_chain_wide_and_service_settings_come_from_their_own_variables(monkeypatch):
    monkeypatch.setenv("SIGNAL_TOPIC_PREFIX", "acc.")
    monkeypatch.setenv("ARREARS_PORT", "9101")
    settings = ArrearsSettings()
    assert settings.topic("signals") == "acc.signals" and settings.port == 9101
    assert settings.source_urn == "urn:nld:oin:00000099000000000001:systeem:signaalketen-arrears"
