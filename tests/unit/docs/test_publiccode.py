"""publiccode.yml describes the project to public-software catalogues: it must meet the
publiccode.yml standard (version 0.5) and agree with the licence the project states.

The standard publishes no JSON Schema; `publiccode-0.5.schema.json` beside this test
writes down the mandatory keys, allowed values and lengths of its documentation, and
jsonschema checks the file against it. (The standard's reference validator, the Go tool
pcvalidate, accepted the same file with no error or warning; see CONTRIBUTING.md.)"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from shared.settings import REPO_ROOT

SCHEMA = json.loads((Path(__file__).parent / "publiccode-0.5.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
MANDATORY = ("publiccodeYmlVersion", "name", "url", "platforms", "developmentStatus", "softwareType",
             "description", "legal", "maintenance", "localisation")  # fmt: skip


@pytest.fixture(scope="module")
def publiccode() -> dict:
    return yaml.safe_load((REPO_ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def problems(document: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in VALIDATOR.iter_errors(document)]


def test_the_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(SCHEMA)


def test_publiccode_yml_meets_the_standard(publiccode):
    assert problems(publiccode) == []


@pytest.mark.parametrize("key", MANDATORY)
def test_a_file_without_a_mandatory_key_is_refused(publiccode, key):
    broken = copy.deepcopy(publiccode)
    del broken[key]
    assert any(f"'{key}' is a required property" in problem for problem in problems(broken))


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d["description"]["en"].update(longDescription="Too short."), "description/en/longDescription"),
        (lambda d: d["description"]["en"].update(shortDescription="x" * 151), "description/en/shortDescription"),
        (lambda d: d.update(developmentStatus="finished"), "developmentStatus"),
        (lambda d: d.update(categories=["homelessness"]), "categories/0"),
        (lambda d: d["maintenance"].update(type="internal"), "maintenance"),  # internal needs contacts
        (lambda d: d["localisation"].pop("localisationReady"), "localisation"),
    ],
)
def test_a_file_that_breaks_a_rule_of_the_standard_is_refused(publiccode, change, where):
    broken = copy.deepcopy(publiccode)
    change(broken)
    assert any(problem.startswith(f"{where}:") for problem in problems(broken)), problems(broken)


def test_it_states_the_licence_of_pyproject_and_of_the_licence_file(publiccode):
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert publiccode["legal"]["license"] == pyproject["project"]["license"]["text"] == "EUPL-1.2"
    licence = (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    articles = {int(number) for number in re.findall(r"^(\d{1,2})\.\s?[A-Z]", licence, re.M)}
    assert articles == set(range(1, 16)), "all fifteen articles of the licence"
    assert "Appendix" in licence and "Compatible Licences" in licence


def test_it_describes_the_project_in_the_languages_it_names(publiccode):
    assert set(publiccode["description"]) <= set(publiccode["localisation"]["availableLanguages"])
    assert {"en", "nl"} <= set(publiccode["description"])
