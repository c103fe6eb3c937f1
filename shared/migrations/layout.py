"""Where each branch's migrations live, which tables they describe, and the Alembic config
that puts a service's two branches (`chain` and its own) together."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from alembic.config import Config
from sqlalchemy import MetaData

from shared.persistence.database import CHAIN_METADATA

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
CHAIN = "chain"
SERVICES = ("arrears", "triage", "placement", "notifications", "monitor")


def check_service(service: str) -> str:
    if service not in SERVICES:
        raise ValueError(f"{service!r} has no database; services with one: {', '.join(SERVICES)}")
    return service


def versions_dir(branch: str) -> Path:
    """The folder of a branch's migration scripts."""
    if branch == CHAIN:
        return HERE / CHAIN
    return REPO_ROOT / "services" / check_service(branch) / "migrations"


def metadata_of(branch: str) -> MetaData:
    """The tables a branch's migrations must produce."""
    if branch == CHAIN:
        import shared.audit  # noqa: F401 - registers audit_entry in CHAIN_METADATA
        import shared.persistence.inbox  # noqa: F401 - processed_event
        import shared.persistence.outbox  # noqa: F401 - outbox
        import shared.retention  # noqa: F401 - deletion_log

        return CHAIN_METADATA
    return importlib.import_module(f"services.{check_service(branch)}.tables").METADATA


def alembic_config(service: str, **attributes) -> Config:
    """Alembic config of one service database: both branches' versions, our env.py.

    `attributes` reach env.py (`connection`, and for autogenerate `target_metadata`
    and `include_tables`)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(versions_dir(b)) for b in (CHAIN, check_service(service))))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes.update(attributes)
    return config
