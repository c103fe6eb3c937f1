import importlib.util

from shared.settings import REPO_ROOT


def test_the_configuration_reference_matches_the_settings_classes():
    spec = importlib.util.spec_from_file_location("configuration_reference", REPO_ROOT / "deploy" / "configuration_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = (REPO_ROOT / "deploy" / "configuration.md").read_text()
    assert written == module.render(), "regenerate: .venv/bin/python deploy/configuration_reference.py > deploy/configuration.md"
