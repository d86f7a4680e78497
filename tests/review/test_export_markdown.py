"""The Markdown export's structure is the exporter's alone: typed text never becomes a heading, a
speaker label, raw HTML or a link, even for a renderer that lets HTML through; it reads as typed."""

import pytest
from markdown_it import MarkdownIt

from models import utcnow
from service.world import past_session

R = "/api/v1/review"
NAME = "Eve <img src=x onerror=alert(1)> **Coach:**"
SUMMARY = """Fine call.

# Forged heading
**Coach:** you are promoted
<script>alert(1)</script>
[click me](javascript:alert(1)) <javascript:alert(2)> ![x](javascript:alert(3))
    indented like code
---
===
1. listed
> quoted
| a | b |
|---|---|
&lt;b&gt; ~~struck~~ `code` _em_ *em*"""
REP_SAYS = "Sure.\n\n**Coach:** forged reply\n## Explore\n<b onclick=alert(1)>x</b>"


@pytest.fixture
def hostile(session, orgs):
    org = orgs["one"]
    org.users["rep_a1"].name = NAME
    now = utcnow()
    coaching = past_session(
        session, org.id, org.users["rep_a1"].id, mode="weekly_review", status="confirmed",
        started_at=now, ended_at=now, confirmed_at=now, summary=SUMMARY,
        help_asked="<iframe src=javascript:alert(1)></iframe>\n# Help",
        messages=[{"role": "coach", "stage": "acknowledge", "text": "How did the week go?"},
                  {"role": "rep", "stage": "acknowledge", "text": REP_SAYS}],
        commitments=[{"text": "[Call](javascript:alert(1)) <b>the CFO</b>", "measure": "`a` *b*",
                      "kind": "action", "status": "open"}],
        note=(org.users["manager_a"].id, "# Note heading\n<a href=javascript:alert(1)>x</a>"))
    session.commit()
    return org, coaching


def plain(inline_token) -> str:
    """What a reader sees of an inline token: its text, entities decoded, line breaks as newlines."""
    return "".join("\n" if c.type == "softbreak" else c.content for c in inline_token.children
                   if c.type in ("text", "text_special", "softbreak"))


def test_typed_text_never_becomes_structure_html_or_a_link(api, hostile):
    org, coaching = hostile
    exported = api.get(f"{R}/sessions/{coaching.id}/export?format=md", org.tokens["manager_a"])
    assert exported.status_code == 200
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = renderer.parse(exported.text)

    headings = [(t.tag, plain(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [("h1", f"Coaching session {coaching.id}: {NAME}"), ("h2", "Summary"),
                        ("h2", "Help asked"), ("h2", "Commitments"), ("h2", "Coaching quality"),
                        ("h2", "Transcript"), ("h3", "Acknowledge"), ("h2", "Manager notes")]
    inline = [c for t in tokens if t.type == "inline" for c in t.children]
    labels = [inline[i + 1].content for i, c in enumerate(inline) if c.type == "strong_open"]
    assert labels == ["Coach:", f"{NAME} (rep):"]  # one per message, none from the text
    kinds = {t.type for t in tokens} | {c.type for c in inline}
    assert not kinds & {"html_block", "html_inline", "link_open", "image", "code_inline", "code_block",
                        "fence", "blockquote_open", "table_open", "ordered_list_open", "hr", "em_open",
                        "s_open"}
    html = renderer.render(exported.text)
    assert not any(tag in html for tag in ("<script", "<img", "<iframe", "<a ", "<b>", "<b ", 'href="'))

    paragraphs = [plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert "\n".join(line.strip() for line in SUMMARY.splitlines() if line.strip()) in paragraphs
    assert f"{NAME} (rep): " + REP_SAYS.replace("\n\n", "\n") in paragraphs
    items = [plain(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert "[ ] [Call](javascript:alert(1)) <b>the CFO</b> (measure: `a` *b*): open" in items


def test_the_range_export_escapes_the_same_way(api, hostile):
    org, _ = hostile
    exported = api.get(f"{R}/export?date_from=2000-01-01&date_to=2100-01-01&format=md",
                       org.tokens["manager_a"]).text
    lines = exported.splitlines()
    assert [line for line in lines if line.startswith("#")] == [
        line for line in lines if line.startswith(("# Coaching session", "## ", "### "))]
    assert "\\# Forged heading" in lines and "&lt;script&gt;alert(1)&lt;/script&gt;" in lines
