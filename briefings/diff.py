"""Compare two snapshots of a briefing (a revision and the working copy, or two revisions)
field by field and part by part, as reviewers read them: side by side, changed words marked."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.plaintext import html_to_text

from .models import Briefing, Topic
from .snapshot import Image, Snapshot

_BLOCK_END = re.compile(r"</(?:p|li|h2|h3|h4|blockquote)>|<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


class Heading(str):
    """A line that names what follows (a section's heading, a question, a note's kind)."""


@dataclass
class Row:
    kind: str  # "same", "changed", "removed", "added"
    old: SafeString
    new: SafeString
    heading: bool = False


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
            rows += [Row("same", escape(a), escape(a), _heads(a)) for a in old[i1:i2]]
            continue
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if tag == "replace" else []
        rows += [Row("changed", *_word_diff(a, b), _heads(a, b)) for a, b in pairs]
        rows += [
            Row("removed", escape(a), mark_safe(""), _heads(a)) for a in old[i1 + len(pairs) : i2]
        ]
        rows += [
            Row("added", mark_safe(""), escape(b), _heads(b)) for b in new[j1 + len(pairs) : j2]
        ]
    return rows


def _heads(*lines: str) -> bool:
    return any(isinstance(line, Heading) for line in lines)


def _choice(choices, value) -> str:
    return str(dict(choices).get(value, value or "—"))


def _detail_lines(page: Snapshot, topics: dict, headlines: dict) -> dict[str, list[str]]:
    image, source = page.image or Image(""), page.source
    return {
        "Headline": [page.headline],
        "Dek": [page.dek],
        "Address (slug)": [page.slug],
        "Topic": [topics.get(page.topic_id, "—")],
        "Byline": [", ".join(page.byline_names) or "—"],
        "Type of work": [_choice(Briefing.WorkType.choices, page.work_type)],
        "Lead image": [
            f"Image: {image.name or 'none'}",
            f"Alt text: {image.alt or '—'}",
            f"Caption: {image.caption or '—'}",
            f"Credit: {image.credit or '—'}",
            "Source type: " + _choice(Briefing.ImageSourceType.choices, image.source_type),
        ],
        "Sourcing": [
            _choice(Briefing.AttributionKind.choices, page.attribution_kind),
            f"Began from: {source.outlet_name}, {source.title} ({source.url})"
            if source
            else "Began from: no source item",
        ],
        "AI assistance": [
            f"AI assistance used: {'yes' if page.ai_assisted else 'no'}",
            *([page.ai.sentence] if page.ai else []),
        ],
        "Follows": [headlines.get(page.follows_id, "—") if page.follows_id else "nothing"],
    }


def _children_lines(page: Snapshot) -> dict[str, list[str]]:
    notes = []
    if page.ai:
        notes += [Heading("Use of AI"), page.ai.sentence]
    for note in page.notes:
        notes.append(Heading(note.label))
        notes += rich_text_lines(note.body)
    sections = []
    for section in page.sections:
        sections.append(Heading(section.heading))
        sections += rich_text_lines(section.body)
    qa = []
    for block in page.questions:
        qa.append(Heading(block.question))
        qa += rich_text_lines(block.answer)
    return {
        "Key takeaways": [f"{n}. {t.text}" for n, t in enumerate(page.takeaways, 1)],
        "Sections": sections,
        "Q&A": qa,
        "Editor's notes": notes,
        "Further sources": [
            f"{c.title} — {c.url}" + (f" ({c.publisher})" if c.publisher else "")
            for c in page.citations
        ],
    }


def compare(old: Snapshot | None, new: Snapshot) -> list[Part]:
    """Every part of the briefing, old against new (``old`` None: everything is new)."""
    topic_ids = {page.topic_id for page in (old, new) if page}
    topics = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name"))
    followed = {page.follows_id for page in (old, new) if page and page.follows_id}
    headlines = (
        dict(Briefing.objects.filter(pk__in=followed).values_list("pk", "headline"))
        if followed
        else {}
    )
    new_parts = {**_detail_lines(new, topics, headlines), **_children_lines(new)}
    if old is None:
        old_parts = dict.fromkeys(new_parts, [])
    else:
        old_parts = {**_detail_lines(old, topics, headlines), **_children_lines(old)}
    return [Part(label, compare_lines(old_parts[label], new_parts[label])) for label in new_parts]


# The parts readers see as text, under the names readers know them by.
READER_PARTS = {
    "Headline": "Headline",
    "Dek": "Summary",
    "Key takeaways": "Key takeaways",
    "Sections": "Text",
    "Q&A": "Questions and answers",
    "Editor's notes": "Editor's notes",
    "Byline": "Byline",
    "Further sources": "Sources",
}


def compare_for_readers(old: Snapshot, new: Snapshot) -> list[Part]:
    """The text readers see, old against new: no slugs, topics, image files or sourcing
    fields, which ``compare`` shows reviewers."""
    return [
        Part(READER_PARTS[part.label], part.rows)
        for part in compare(old, new)
        if part.label in READER_PARTS
    ]
