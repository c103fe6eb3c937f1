"""docker-compose.yml checked against the code, since no Docker engine runs here: every
service's settings class accepts the environment the file gives it in production (so
nothing it requires is missing and nothing it refuses is set), every bind-mounted path is
in the repository, every image is pinned, every long-running service has a healthcheck
that asks the port it listens on, and the migrations and the topics run to completion
before the services that need them. `deploy/production/env_file.py` supplies exactly the
variables the file demands."""

from __future__ import annotations

import importlib
import os
import re

import pytest

from deploy.production.env_file import compose_env
from shared.migrations.layout import SERVICES as MIGRATED
from tests.support import compose

ENV = compose_env(
    "https://login.gemeente.example", "https://signaalketen.gemeente.example", "https://api.signaalketen.gemeente.example"
)
SETTINGS = {
    "arrears": "services.arrears.settings:ArrearsSettings",
    "triage": "services.triage.settings:TriageSettings",
    "placement": "services.placement.settings:PlacementSettings",
    "notifications": "services.notifications.settings:NotificationsSettings",
    "monitor": "services.monitor.settings:MonitorSettings",
    "portal": "services.portal.settings:PortalSettings",
}
OWN_PREFIXES = ("SIGNAL_", "ARREARS_", "TRIAGE_", "PLACEMENT_", "NOTIFICATIONS_", "MONITOR_", "PORTAL_")
# A digest, or a release: PostgreSQL's have two numbers (15.13), the others three (26.5.6).
PINNED = re.compile(r"^[^@\s]+(@sha256:[0-9a-f]{64}|:\d+\.\d+(\.\d+)?([-.][a-z0-9.-]+)?)$")


@pytest.fixture(scope="module")
def services() -> dict[str, compose.Service]:
    return compose.services(compose.load(ENV))


def chain_services(services) -> list[compose.Service]:
    """The services that run a chain service (python -m services.<name>), not a job."""
    return [s for s in services.values() if s.uses_chain_image and not s.is_job and s.command[0].removeprefix("services.") in SETTINGS]


def settings_class(module_path: str):
    module, name = module_path.split(":")
    return getattr(importlib.import_module(module), name)


def test_the_env_file_generator_gives_every_variable_the_file_demands():
    demanded = compose.required_variables(compose.COMPOSE_FILE.read_text())
    assert demanded and demanded <= set(ENV), f"not generated: {sorted(demanded - set(ENV))}"
    with pytest.raises(compose.MissingVariable, match="SIGNAL_PSEUDONYM_KEY"):
        compose.load({name: value for name, value in ENV.items() if name != "SIGNAL_PSEUDONYM_KEY"})


def build_settings(service: compose.Service, monkeypatch, settings_path: str, drop: str | None = None):
    """The service's settings class, built from the environment the compose file gives it
    (with `drop` left out): raises what the service would raise at start."""
    env = {**compose.Dockerfile.read().env(), **service.environment}
    env.pop(drop, None)
    for variable, value in env.items():  # a path in the container: the repository file mounted there
        mounted = compose.repository_path(service, value) if value.startswith("/") else None
        env[variable] = str(mounted) if mounted else value
    for variable in [v for v in list(os.environ) if v.startswith((*OWN_PREFIXES, "REGISTER_"))]:
        monkeypatch.delenv(variable)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    return settings_class(settings_path)()


def test_every_service_and_its_migration_starts_in_production_with_the_environment_given(services, monkeypatch):
    checked = []
    for service in [s for s in services.values() if s.uses_chain_image and s.command[0].removeprefix("services.") in SETTINGS]:
        settings = build_settings(service, monkeypatch, SETTINGS[service.command[0].removeprefix("services.")])
        assert settings.environment == "production", service.name
        assert "SIGNAL_TOKEN_SIGNING_KEY" not in service.environment, f"{service.name}: production refuses a token signing key"
        checked.append(service.name)
    assert {"arrears", "triage", "placement", "notifications", "monitor", "portal"} <= set(checked)
    assert {f"migrate-{name}" for name in MIGRATED} <= set(checked)


@pytest.mark.parametrize("service, variable", [
    ("notifications", "NOTIFICATIONS_PUBLIC_URL"), ("notifications", "NOTIFICATIONS_TRIAGE_URL"),
    ("notifications", "NOTIFICATIONS_PLACEMENT_URL"), ("triage", "TRIAGE_REGISTER_CLIENT_SECRET"), ("triage", "TRIAGE_PERSON_KEY"),
    ("arrears", "SIGNAL_OIDC_ISSUER"), ("portal", "PORTAL_OIDC_CLIENT_SECRET"),
])  # fmt: skip
def test_a_variable_a_service_requires_in_production_is_missed_when_the_file_leaves_it_out(services, monkeypatch, service, variable):
    with pytest.raises(ValueError, match=variable):
        build_settings(services[service], monkeypatch, SETTINGS[service], drop=variable)


def test_triage_and_the_register_meet_with_the_register_clients_token_over_keycloaks_back_channel(services, monkeypatch):
    triage = build_settings(services["triage"], monkeypatch, SETTINGS["triage"])
    assert triage.register_api_key is None and triage.register_credentials.token_url.startswith("http://keycloak:8080/")
    register = build_settings(services["register"], monkeypatch, "services.register.settings:RegisterSettings")
    assert register.api_key is None and register.oidc_issuer == services["triage"].environment["SIGNAL_OIDC_ISSUER"]
    assert register.oidc_audience == "urn:nld:brp" and register.oidc_jwks_url.startswith("http://keycloak:8080/")
    portal = build_settings(services["portal"], monkeypatch, SETTINGS["portal"])
    assert portal.oidc_backchannel_url == "http://keycloak:8080/realms/signaalketen"


def test_every_bind_mounted_path_is_in_the_repository(services):
    mounts = [(service.name, source) for service in services.values() for source, _ in service.bind_mounts()]
    assert mounts
    missing = [(name, source) for name, source in mounts if not (compose.COMPOSE_FILE.parent / source).exists()]
    assert not missing, f"mounted but not in the repository: {missing}"


def test_every_named_volume_is_declared():
    document = compose.load(ENV)
    declared = set(document.get("volumes") or {})
    for service in compose.services(document).values():
        for volume in service.spec.get("volumes") or []:
            source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
            assert source.startswith((".", "/")) or source in declared, f"{service.name}: volume {source} not declared"


def test_every_image_is_pinned_to_a_version_or_digest(services):
    version = re.search(r'^version = "([^"]+)"', (compose.COMPOSE_FILE.parent / "pyproject.toml").read_text(), re.M)[1]
    for service in services.values():
        image = service.spec.get("image", "")
        assert PINNED.match(image), f"{service.name}: image {image!r} is not pinned to a version or digest"
        if service.uses_chain_image:
            assert image == f"signaalketen:{version}", f"{service.name}: the chain's image is tagged with the project's version"
    [base] = compose.Dockerfile.read().all("FROM")
    assert re.match(r"^python:\d+\.\d+\.\d+-", base), f"the Dockerfile's base image {base!r} is not pinned to a Python release"


def test_every_long_running_service_has_a_healthcheck_on_its_own_port(services):
    for service in services.values():
        if service.is_job:
            continue
        assert service.spec.get("healthcheck", {}).get("test"), f"{service.name} has no healthcheck"
    for service in chain_services(services):
        name = service.command[0].removeprefix("services.")
        port = service.environment[f"{name.upper()}_PORT"]
        test = " ".join(service.spec["healthcheck"]["test"])
        assert f"http://127.0.0.1:{port}/health/ready" in test, f"{service.name}: healthcheck {test}"


def test_jobs_run_to_completion_before_the_services_that_need_them(services):
    for service in chain_services(services):
        name = service.command[0].removeprefix("services.")
        needs = service.depends_on()
        if name in MIGRATED:
            [job] = [services[dep] for dep in needs if services[dep].command == [f"services.{name}", "migrate"]]
            assert needs[job.name] == "service_completed_successfully", f"{service.name} must wait for {job.name} to finish"
            url = f"{name.upper()}_DATABASE_URL"
            assert job.environment[url] == service.environment[url], f"{job.name} migrates another database"
            assert needs.get("topics") == "service_completed_successfully", f"{service.name} must wait for the topics"
    assert services["topics"].command[:3] == ["services.cli", "topics", "create"]


def test_every_dependency_exists_and_waits_for_what_it_can(services):
    for service in services.values():
        for dependency, condition in service.depends_on().items():
            assert dependency in services, f"{service.name} depends on unknown {dependency}"
            target = services[dependency]
            if condition == "service_completed_successfully":
                assert target.is_job, f"{service.name} waits for {dependency} to complete, but it keeps running"
            if condition == "service_healthy":
                assert target.spec.get("healthcheck"), f"{service.name} waits for {dependency} to be healthy; it has no healthcheck"


def test_keycloak_gets_every_placeholder_of_the_realm_it_imports(services):
    keycloak = services["keycloak"]
    [(source, _)] = [(s, t) for s, t in keycloak.bind_mounts() if t.startswith("/opt/keycloak/data/import/")]
    realm = (compose.COMPOSE_FILE.parent / source).read_text()
    placeholders = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", realm))
    assert placeholders and placeholders <= set(keycloak.environment), sorted(placeholders - set(keycloak.environment))
    assert "--import-realm" in keycloak.command


def test_the_services_accept_the_issuer_keycloak_announces(services):
    issuer = services["keycloak"].environment["KC_HOSTNAME"] + "/realms/signaalketen"
    for service in chain_services(services):
        assert service.environment["SIGNAL_OIDC_ISSUER"] == issuer, service.name
