"""The Dockerfile, checked without a Docker engine: the files it copies exist and are all
a service needs, and its entrypoint with each compose command runs the service, its
migration or the topics job. The image's tree is rebuilt from the Dockerfile's COPY lines
in a temporary directory; there, with the compose environment in production, every
database is migrated (`python -m services.<name> migrate`, SQLite standing in for
PostgreSQL) and every service's app is built. What is not checked here: that the base
image, `pip install .` and the network do what they should (no engine, no registry)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.production.env_file import compose_env
from shared.migrations.layout import SERVICES as MIGRATED
from tests.support import compose
from tests.support.processes import REPO

ENV = compose_env(
    "https://login.gemeente.example", "https://signaalketen.gemeente.example", "https://api.signaalketen.gemeente.example"
)
APPS = {
    "arrears": ("services.arrears.settings", "ArrearsSettings"),
    "triage": ("services.triage.settings", "TriageSettings"),
    "placement": ("services.placement.settings", "PlacementSettings"),
    "notifications": ("services.notifications.settings", "NotificationsSettings"),
    "monitor": ("services.monitor.settings", "MonitorSettings"),
    "portal": ("services.portal.settings", "PortalSettings"),
}
BUILD_APPS = """
import importlib, sys
for name, (module, cls) in {apps!r}.items():
    settings = getattr(importlib.import_module(module), cls)()
    assert settings.environment == "production", name
    app = importlib.import_module(f"services.{{name}}.app")
    if name == "portal":
        app.create_app(settings)
    else:
        from shared.runtime import build_runtime
        app.create_app(build_runtime(settings))
    print("built", name)
"""


@pytest.fixture(scope="module")
def dockerfile() -> compose.Dockerfile:
    return compose.Dockerfile.read()


@pytest.fixture(scope="module")
def image_tree(dockerfile, tmp_path_factory) -> Path:
    """The image's /app, from the Dockerfile's COPY lines."""
    [workdir] = dockerfile.all("WORKDIR")
    assert workdir == "/app"
    root = tmp_path_factory.mktemp("image") / "app"
    root.mkdir()
    for sources, destination in dockerfile.copies():
        for source in sources:
            origin = REPO / source
            assert origin.exists(), f"COPY {source}: not in the repository"
            target = root / destination / (origin.name if destination.endswith("/") else "")
            target.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(origin, target)
    return root


def image_env(service: compose.Service, dockerfile: compose.Dockerfile) -> dict[str, str]:
    """The container's environment, with mounted container paths pointing at the repository files."""
    env = {**dockerfile.env(), **service.environment}
    for name, value in env.items():
        mounted = compose.repository_path(service, value) if value.startswith("/") else None
        env[name] = str(mounted) if mounted else value
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, **env}


def test_the_entrypoint_with_each_compose_command_runs_a_module_of_the_image(dockerfile, image_tree):
    assert dockerfile.exec_form("ENTRYPOINT") == ["python", "-m"]
    default = dockerfile.exec_form("CMD")
    commands = [service.command for service in compose.services(compose.load(ENV)).values() if service.uses_chain_image]
    for command in [default, *commands]:
        module = command[0]
        assert (image_tree / module.replace(".", "/") / "__main__.py").exists(), f"python -m {module}: no such module in the image"
    assert ["services.cli", "topics", "create", "--replication-factor", "3"] in commands
    assert {f"services.{name}" for name in MIGRATED} <= {c[0] for c in commands if c[1:] == ["migrate"]}


def test_every_database_migrates_in_the_image_with_its_compose_environment(dockerfile, image_tree, tmp_path):
    services = compose.services(compose.load(ENV))
    running = {}
    for name in MIGRATED:
        [job] = [s for s in services.values() if s.command == [f"services.{name}", "migrate"]]
        env = {**image_env(job, dockerfile), f"{name.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/{name}.db"}
        running[name] = subprocess.Popen(
            [sys.executable, "-m", *job.command], cwd=image_tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )  # fmt: skip
    for name, process in running.items():
        output, _ = process.communicate(timeout=180)
        assert process.returncode == 0, f"python -m services.{name} migrate failed in the image:\n{output[-3000:]}"
        assert (tmp_path / f"{name}.db").stat().st_size > 0


def test_every_service_builds_in_the_image_with_its_compose_environment(dockerfile, image_tree):
    services = compose.services(compose.load(ENV))
    env: dict[str, str] = {}
    for name in APPS:
        env.update(image_env(services[name], dockerfile))  # SIGNAL_* agree across services; the rest is prefixed
    built = subprocess.run(
        [sys.executable, "-c", BUILD_APPS.format(apps=APPS)], cwd=image_tree, env=env, capture_output=True, text=True, timeout=180
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    assert built.stdout.split() == [word for name in APPS for word in ("built", name)]


def test_the_topics_job_reads_the_definitions_in_the_image(dockerfile, image_tree):
    listed = subprocess.run(
        [sys.executable, "-c", "from shared.bus.topic_plan import load_definitions, plan; print(len(plan(load_definitions(), '')))"],
        cwd=image_tree, env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert listed.returncode == 0 and int(listed.stdout) > 0, listed.stdout + listed.stderr
