"""axe-core in the browser tests: every page the tests open is checked at WCAG 2.1 AA.

axe-core is the npm package in `tests/browser/` (installed by `npm ci` from
`deploy/local/install-browser.sh`, which `make test` runs). The test reads
`node_modules/axe-core/axe.min.js` from disk and evaluates it in the page through the
browser's DevTools protocol (Playwright's `evaluate`): the portal never serves it, no CDN
is involved, and the page's Content-Security-Policy (`script-src 'self'`, no inline
script) stays switched on, because DevTools evaluation is not a page script.

A missing axe-core FAILS the test (like a missing Chromium does): run
`deploy/local/install-browser.sh`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}; run deploy/local/install-browser.sh (or `make test`)")
    return AXE.read_text()


def axe_violations(page) -> list[dict]:
    """axe-core's violations of WCAG 2.1 A and AA on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {axe_source()}\n}}")
    return page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            }));
        }""",
        WCAG_21_AA,
    )


def assert_accessible(page) -> None:
    """Zero axe-core violations at WCAG 2.1 AA on the page as it is now; the message lists each."""
    violations = axe_violations(page)
    assert not violations, f"axe-core found WCAG 2.1 AA violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['summary']}" for n in v["nodes"])
        for v in violations
    )
