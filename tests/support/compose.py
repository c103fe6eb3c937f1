"""Reading docker-compose.yml and the Dockerfile as Docker would, without a Docker engine
(none runs on the project's machines): variable interpolation, each service's command
and environment, its bind mounts, and the Dockerfile's instructions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.support.processes import REPO

COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
_VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


class MissingVariable(ValueError):
    pass


def required_variables(text: str) -> set[str]:
    """Variables the file demands (`${NAME:?message}` or `${NAME?message}`)."""
    return {m["name"] for m in _VARIABLE.finditer(text) if m["op"] in (":?", "?")}


def interpolate(value, env: dict[str, str]):
    """Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, $$."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match["name"] or match["bare"]
        op, arg, present = match["op"], match["arg"], env.get(match["name"] or match["bare"])
        unset_or_empty = present is None or (present == "" and op and op.startswith(":"))
        if op in (":-", "-") and unset_or_empty:
            return arg
        if op in (":?", "?") and unset_or_empty:
            raise MissingVariable(f"{name}: {arg}")
        return present or ""

    return _VARIABLE.sub(substitute, value)


def load(env: dict[str, str], path: Path = COMPOSE_FILE) -> dict:
    return interpolate(yaml.safe_load(path.read_text()), env)


@dataclass(frozen=True)
class Service:
    name: str
    spec: dict

    @property
    def command(self) -> list[str]:
        return list(self.spec.get("command") or [])

    @property
    def environment(self) -> dict[str, str]:
        raw = self.spec.get("environment") or {}
        if isinstance(raw, list):
            raw = dict(item.split("=", 1) for item in raw)
        return {key: "" if value is None else str(value) for key, value in raw.items()}

    @property
    def is_job(self) -> bool:
        """A one-shot job (migrations, topics): runs to completion, is not restarted."""
        return self.spec.get("restart") == "no"

    @property
    def uses_chain_image(self) -> bool:
        return "build" in self.spec

    def bind_mounts(self) -> list[tuple[str, str]]:
        """(source as written, target) of every bind mount; named volumes left out."""
        mounts = []
        for volume in self.spec.get("volumes") or []:
            source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) else volume.split(":")[:2]
            if source.startswith((".", "/", "~")):
                mounts.append((source, target))
        return mounts

    def depends_on(self) -> dict[str, str]:
        """dependency -> condition"""
        raw = self.spec.get("depends_on") or {}
        if isinstance(raw, list):
            return dict.fromkeys(raw, "service_started")
        return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def services(document: dict) -> dict[str, Service]:
    return {name: Service(name, spec) for name, spec in document["services"].items()}


def repository_path(service: Service, container_path: str) -> Path | None:
    """The repository file a container path of `service` is bind-mounted from."""
    for source, target in service.bind_mounts():
        if container_path == target or container_path.startswith(target.rstrip("/") + "/"):
            return (COMPOSE_FILE.parent / source).resolve() / container_path[len(target):].lstrip("/")
    return None


@dataclass(frozen=True)
class Dockerfile:
    instructions: list[tuple[str, str]]  # (INSTRUCTION, arguments), continuation lines joined

    @classmethod
    def read(cls, path: Path = DOCKERFILE) -> "Dockerfile":
        text = re.sub(r"\\\n", " ", path.read_text())
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
        return cls([tuple(line.split(None, 1)) for line in lines])  # type: ignore[misc]

    def all(self, instruction: str) -> list[str]:
        return [arguments for name, arguments in self.instructions if name.upper() == instruction]

    def exec_form(self, instruction: str) -> list[str]:
        [arguments] = self.all(instruction)[-1:] or [None]
        return json.loads(arguments) if arguments else []

    def env(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for arguments in self.all("ENV"):
            found.update(dict(pair.split("=", 1) for pair in arguments.split()))
        return found

    def copies(self) -> list[tuple[list[str], str]]:
        """(sources, destination) of every COPY."""
        return [(parts[:-1], parts[-1]) for parts in (arguments.split() for arguments in self.all("COPY"))]
