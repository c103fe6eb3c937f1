"""The shell blocks of a Markdown document, as its reader sees them: per section, in order.

Used by the documentation tests, which run a README's commands exactly as written."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
_SHELL = {"", "sh", "bash", "shell", "console"}


@dataclass(frozen=True)
class Block:
    section: str
    language: str
    text: str


def blocks(path: Path) -> list[Block]:
    """Every fenced block with its section (the nearest `## ` heading above it)."""
    text = path.read_text()
    headings = [(match.start(), match.group(1).strip()) for match in re.finditer(r"^## (.+)$", text, re.M)]
    found = []
    for match in _FENCE.finditer(text):
        section = next((title for start, title in reversed(headings) if start < match.start()), "")
        found.append(Block(section, match.group("lang"), textwrap.dedent(match.group("body"))))
    return found


def shell_blocks(path: Path, section_prefix: str, *, languages: set[str] = _SHELL) -> list[str]:
    """The shell blocks of the sections whose title starts with `section_prefix`."""
    return [block.text for block in blocks(path) if block.section.startswith(section_prefix) and block.language in languages]
