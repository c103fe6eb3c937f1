"""The repository's documents stand alone: what the code and the documents cite about the
domain is in docs/domain.md, every link into it lands on a section that exists, and
nothing points at reference material outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.settings import REPO_ROOT

DOMAIN = REPO_ROOT / "docs" / "domain.md"
SCANNED = ("services", "shared", "docs", "deploy", "tests", ".ci")
TOP_LEVEL = ("README.md", "CONTRIBUTING.md", "Makefile", "Dockerfile", "docker-compose.yml", "pyproject.toml")
TEXT = {".py", ".md", ".yaml", ".yml", ".json", ".toml", ".html", ".sh", ".txt", ".sql", ".properties", ".xml", ""}
SKIPPED_DIRS = {"__pycache__", "testdata", "lib", "node_modules"}
# Reference material that lives beside the project, never in it (spelt in pieces so that
# this file does not cite it itself).
OUTSIDE = ("DOMAIN" + ".md", "ARCHITECTURE" + ".md", "shared/" + "domain/", "/work/" + "shared")
LINK_INTO_DOMAIN = re.compile(r"domain\.md#([\w-]+)")
LINK_IN_PAGE = re.compile(r"\]\(#([\w-]+)\)")


def project_files() -> list[Path]:
    files = [REPO_ROOT / name for name in TOP_LEVEL if (REPO_ROOT / name).exists()]
    for top in SCANNED:
        for path in sorted((REPO_ROOT / top).rglob("*")):
            relative = path.relative_to(REPO_ROOT).parts
            if path.is_file() and path.suffix in TEXT and not SKIPPED_DIRS.intersection(relative):
                files.append(path)
    return files


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.M):
        anchor = github_anchor(heading)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


@pytest.fixture(scope="module")
def domain_anchors() -> set[str]:
    return anchors(DOMAIN.read_text(encoding="utf-8"))


def test_anchors_are_made_as_github_makes_them():
    assert github_anchor("Table 1: evictions in Amsterdam 2000–2007") == "table-1-evictions-in-amsterdam-20002007"
    assert github_anchor("The report's recommendations") == "the-reports-recommendations"
    assert anchors("## Scenarios\n### A\n## Scenarios\n") == {"scenarios", "a", "scenarios-1"}


def test_nothing_cites_material_outside_the_repository():
    citing = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in project_files()
        if path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if any(outside in line for outside in OUTSIDE)
    ]
    assert citing == [], "cite docs/domain.md#<section> instead:\n" + "\n".join(citing)


def test_every_link_into_the_domain_document_lands_on_a_section(domain_anchors):
    links = [
        (path.relative_to(REPO_ROOT), anchor)
        for path in project_files()
        for anchor in LINK_INTO_DOMAIN.findall(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert len(links) >= 20, "the code cites the domain document in many places"
    missing = [f"{path}: #{anchor}" for path, anchor in links if anchor not in domain_anchors]
    assert missing == [], "no such section in docs/domain.md:\n" + "\n".join(missing)


def test_links_within_the_domain_document_land_on_a_section(domain_anchors):
    links = LINK_IN_PAGE.findall(DOMAIN.read_text(encoding="utf-8"))
    assert links, "the contents list links to the sections"
    assert sorted(set(links) - domain_anchors) == []


def test_the_domain_document_explains_what_the_code_names():
    """The glossary covers the Dutch terms the code and the rules use."""
    text = DOMAIN.read_text(encoding="utf-8")
    for term in ("huurachterstand", "vonnis", "aanzegging", "ontruiming", "deurwaarder", "Vroeg Eropaf",
                 "GGD Vangnet", "bemoeizorg", "zorgmelding", "maatschappelijke opvang", "BRP", "BAG",
                 "tussenmelding", "terugmelding", "noorderzon"):  # fmt: skip
        assert term in text, term
    for time_rule in ("T07", "T08", "T09", "T10", "T13", "T21"):  # the ones the code cites
        assert f"| {time_rule} |" in text, time_rule
