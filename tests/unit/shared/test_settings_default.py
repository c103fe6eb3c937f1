"""Without SIGNAL_ENVIRONMENT a service runs as production: development secrets and keys refused."""

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from services.arrears.settings import ArrearsSettings
from services.portal.settings import PortalSettings
from shared.settings import ServiceSettings
from tests.support.processes import REPO

REAL_SECRETS = {
    "SIGNAL_PSEUDONYM_KEY": "a-real-pseudonym-key-from-the-vault",
    "SIGNAL_ADDRESS_KEYS": "cmVhbC1hZGRyZXNzLWtleS1mcm9tLXRoZS12YXVsdCE=",
    "SIGNAL_OIDC_ISSUER": "https://login.example/realms/signaalketen",
    "SIGNAL_METRICS_TOKEN": "a-real-scraper-token-from-the-vault",
}


def test_no_environment_means_production_and_the_development_secrets_are_refused(monkeypatch):
    monkeypatch.delenv("SIGNAL_ENVIRONMENT")
    with pytest.raises(ValidationError) as refused:
        ArrearsSettings()
    for variable in ("SIGNAL_PSEUDONYM_KEY", "SIGNAL_ADDRESS_KEYS", "SIGNAL_ORGANISATIONS_FILE", "SIGNAL_OIDC_ISSUER", "SIGNAL_METRICS_TOKEN"):
        assert variable in str(refused.value)


def test_no_environment_with_real_secrets_is_production_without_development_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("SIGNAL_ENVIRONMENT")
    organisations = tmp_path / "organisations.json"
    organisations.write_text('{"organisations": []}')
    for name, value in {**REAL_SECRETS, "SIGNAL_ORGANISATIONS_FILE": str(organisations)}.items():
        monkeypatch.setenv(name, value)
    settings = ServiceSettings()
    assert settings.environment == "production" and not settings.accepts_development_keys
    portal = PortalSettings(organisations_file=organisations, oidc_client_secret="a-real-portal-secret")
    assert portal.environment == "production" and not portal.development_login


def test_the_tests_say_test_explicitly():
    assert os.environ["SIGNAL_ENVIRONMENT"] == "test"
    assert ServiceSettings().environment == "test"


@pytest.mark.parametrize("module", ["services.arrears", "services.triage", "services.register"])
def test_a_process_started_without_an_environment_refuses_to_start(module):
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("SIGNAL_", "ARREARS_", "TRIAGE_"))}
    environment["ARREARS_DATABASE_URL"] = environment["TRIAGE_DATABASE_URL"] = "sqlite+aiosqlite:////nonexistent/never.db"
    started = subprocess.run(
        [sys.executable, "-m", module], cwd=REPO, env=environment, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 2, started.stderr[-2000:]
    assert "refusing to start" in started.stderr and "Traceback" not in started.stderr
    if module != "services.register":
        assert "SIGNAL_PSEUDONYM_KEY" in started.stderr


def test_make_up_says_development_explicitly():
    script = (REPO / "deploy" / "local" / "up.sh").read_text()
    assert script.index("export SIGNAL_ENVIRONMENT=development") < script.index('"$PY" -m "services.$name"')
