"""User text inside a Markdown export: shown as written, never as structure, HTML or a link.

The export's headings, lists and speaker labels come only from the exporter. Whatever a rep or a
manager typed is escaped so a Markdown renderer shows it as plain text: `&`, `<`, `>` become entities
(no raw HTML, no `<javascript:...>` autolink); the inline markers `\\ ` * _ [ ] ~ |` are backslash-
escaped (no emphasis, code, link or table); and a line that would open a block (`#`, `-`, `+`, `=`,
`1.`, `1)`, an indent) is escaped at its start.
"""

import re

# `_` between two letters or digits cannot emphasise (CommonMark), so names like rep_a1 stay as typed.
INLINE = re.compile(r"([\\`*\[\]~|]|(?<![^\W_])_|_(?![^\W_]))")
ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
BLOCK_MARK = re.compile(r"^([#+\-=])")  # `>` is already an entity
NUMBERED = re.compile(r"^(\d+)([.)])")


def _line(text: str) -> str:
    for char, entity in ENTITIES:
        text = text.replace(char, entity)
    text = INLINE.sub(r"\\\1", text.strip())
    return NUMBERED.sub(r"\1\\\2", BLOCK_MARK.sub(r"\\\1", text))


def inline(value) -> str:
    """Text for one line (a heading, a list item, a name): line breaks become spaces."""
    return _line(" ".join(str(value or "").split()))


def block(value) -> str:
    """Text for a paragraph of its own: its lines are kept, blank lines dropped, so it stays one."""
    lines = [_line(line) for line in str(value or "").splitlines()]
    return "\n".join(line for line in lines if line)
