"""Compare two snapshots of a briefing (a revision and the working copy, or two revisions)
field by field and part by part, as reviewers read them: side by side, changed words marked."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.plaintext import html_to_text

from .models import Briefing, EditorsNote, Topic

_BLOCK_END = re.compile(r"</(?:p|li|h2|h3|h4|blockquote)>|<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class Row:
    kind: str  # "same", "changed", "removed", "added"
    old: SafeString
    new: SafeString


@dataclass
class Part:
    label: str
    rows: list[Row] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.kind != "same" for row in self.rows)


def rich_text_lines(html: str) -> list[str]:
    """Rich text as plain lines, one per paragraph, heading or list item."""
    html = _LIST_ITEM.sub("• ", html or "")
    return [line for line in (html_to_text(chunk) for chunk in _BLOCK_END.split(html)) if line]


def _word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(f"<del>{removed}</del>")
        if added:
            new_html.append(f"<ins>{added}</ins>")
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308 (escaped)


def compare_lines(old: list[str], new: list[str]) -> list[Row]:
    rows = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row("same", escape(line), escape(line)) for line in old[i1:i2]]
            continue
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if tag == "replace" else []
        rows += [Row("changed", *_word_diff(a, b)) for a, b in pairs]
        rows += [Row("removed", escape(line), mark_safe("")) for line in old[i1 + len(pairs) : i2]]
        rows += [Row("added", mark_safe(""), escape(line)) for line in new[j1 + len(pairs) : j2]]
    return rows


def _choice(choices, value) -> str:
    return str(dict(choices).get(value, value or "—"))


def _detail_lines(data: dict, topics: dict) -> dict[str, list[str]]:
    fields = data["briefing"]
    source = data.get("source")
    return {
        "Headline": [fields.get("headline") or ""],
        "Dek": [fields.get("dek") or ""],
        "Address (slug)": [fields.get("slug") or ""],
        "Topic": [topics.get(fields.get("topic_id"), "—")],
        "Byline": [", ".join(a["name"] for a in data.get("byline", [])) or "—"],
        "Type of work": [_choice(Briefing.WorkType.choices, fields.get("work_type"))],
        "Lead image": [
            f"Image: {fields.get('lead_image') or 'none'}",
            f"Alt text: {fields.get('lead_image_alt') or '—'}",
            f"Caption: {fields.get('lead_image_caption') or '—'}",
            f"Credit: {fields.get('lead_image_credit') or '—'}",
            "Source type: "
            + _choice(Briefing.ImageSourceType.choices, fields.get("lead_image_source_type")),
        ],
        "Sourcing": [
            _choice(Briefing.AttributionKind.choices, fields.get("attribution_kind")),
            f"Began from: {source['outlet']['name']}, {source['title']} ({source['url']})"
            if source
            else "Began from: no source item",
            f"AI assistance used: {'yes' if fields.get('ai_assisted') else 'no'}",
        ],
    }


def _children_lines(data: dict) -> dict[str, list[str]]:
    notes = []
    for note in data.get("notes", []):
        kind = _choice(EditorsNote.Kind.choices, note.get("kind"))
        dated = note.get("kind") in EditorsNote.DATED_KINDS and note.get("created_at")
        notes.append(f"[{kind}{', ' + note['created_at'][:10] if dated else ''}]")
        notes += rich_text_lines(note.get("body"))
    sections = []
    for section in data.get("sections", []):
        sections.append(f"## {section.get('heading', '')}")
        sections += rich_text_lines(section.get("body"))
    qa = []
    for block in data.get("qa_blocks", []):
        qa.append(f"Q: {block.get('question', '')}")
        qa += [f"A: {line}" for line in rich_text_lines(block.get("answer"))]
    return {
        "Key takeaways": [
            f"{n}. {t.get('text', '')}" for n, t in enumerate(data.get("takeaways", []), 1)
        ],
        "Sections": sections,
        "Q&A": qa,
        "Editor's notes": notes,
        "Further sources": [
            f"{c.get('title', '')} — {c.get('url', '')}"
            + (f" ({c['publisher']})" if c.get("publisher") else "")
            for c in data.get("citations", [])
        ],
    }


def compare(old: dict | None, new: dict) -> list[Part]:
    """Every part of the briefing, old against new (``old`` None: everything is new)."""
    topic_ids = {d["briefing"].get("topic_id") for d in (old, new) if d}
    topics = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name"))
    empty = {"briefing": {}}
    old_parts = {
        **_detail_lines(old or empty, topics),
        **_children_lines(old or empty),
    }
    if old is None:
        old_parts = dict.fromkeys(old_parts, [])
    new_parts = {**_detail_lines(new, topics), **_children_lines(new)}
    return [Part(label, compare_lines(old_parts[label], new_parts[label])) for label in new_parts]
