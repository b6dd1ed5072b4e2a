"""The publication checklist: what a briefing needs before readers may see it.

It reads a snapshot (see ``models.revision.snapshot``), so the same rules apply to the
working copy shown in the admin and to what ``workflow.publish`` is about to freeze.
"""

from dataclasses import dataclass

from newsroom.plaintext import html_to_text

from .models import Briefing, EditorsNote

HEADLINE_MAX = Briefing._meta.get_field("headline").max_length
DEK_MAX = Briefing._meta.get_field("dek").max_length
TAKEAWAYS_MIN, TAKEAWAYS_MAX = 3, 5


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label


def _text(value) -> str:
    return (value or "").strip()


def _length_check(label: str, value: str, limit: int) -> Check:
    if not value:
        return Check(label, False, "missing")
    if len(value) > limit:
        return Check(label, False, f"{len(value)} characters, at most {limit}")
    return Check(label, True)


def run(data: dict) -> list[Check]:
    """Every item of the checklist for the snapshot ``data``, met or not."""
    fields = data["briefing"]
    checks = [
        _length_check(
            "Headline present and short enough", _text(fields.get("headline")), HEADLINE_MAX
        ),
        _length_check("Dek present and short enough", _text(fields.get("dek")), DEK_MAX),
    ]

    takeaways = [t for t in data.get("takeaways", []) if _text(t.get("text"))]
    count = len(takeaways)
    checks.append(
        Check(
            f"{TAKEAWAYS_MIN}–{TAKEAWAYS_MAX} key takeaways",
            TAKEAWAYS_MIN <= count <= TAKEAWAYS_MAX,
            "" if TAKEAWAYS_MIN <= count <= TAKEAWAYS_MAX else f"has {count}",
        )
    )

    checks.append(_sections_check(data.get("sections", [])))
    unanswered = [
        _text(block.get("question")) or "(no question)"
        for block in data.get("qa_blocks", [])
        if not html_to_text(block.get("answer") or "")
    ]
    if unanswered:
        checks.append(
            Check("Every question has an answer", False, "unanswered: " + "; ".join(unanswered))
        )
    checks.append(BYLINE_CHECK if data.get("byline") else BYLINE_MISSING)

    if fields.get("lead_image"):
        missing = [
            name
            for name, key in (("alt text", "lead_image_alt"), ("credit", "lead_image_credit"))
            if not _text(fields.get(key))
        ]
        checks.append(
            Check(
                "Lead image has alt text and a credit",
                not missing,
                f"missing {' and '.join(missing)}" if missing else "",
            )
        )

    checks.append(_attribution_check(fields, data.get("source")))

    if fields.get("ai_assisted"):
        disclosed = any(
            note.get("kind") == EditorsNote.Kind.AI_DISCLOSURE
            and html_to_text(note.get("body") or "")
            for note in data.get("notes", [])
        )
        checks.append(
            Check(
                "AI-assistance disclosure note",
                disclosed,
                "" if disclosed else "AI assistance is marked but no disclosure note says how",
            )
        )
    return checks


BYLINE_LABEL = "Byline names at least one person"
BYLINE_CHECK = Check(BYLINE_LABEL, True)
BYLINE_MISSING = Check(BYLINE_LABEL, False, "add the writer to the byline")


def _sections_check(sections: list[dict]) -> Check:
    label = "At least one section with text"
    if not sections:
        return Check(label, False, "none yet")
    empty = [
        _text(s.get("heading")) or "(no heading)"
        for s in sections
        if not html_to_text(s.get("body") or "")
    ]
    if len(empty) == len(sections):
        return Check(label, False, "none has text yet")
    if empty:
        names = ", ".join(f"“{heading}”" for heading in empty)
        return Check(label, False, f"{names} has no text: write it or remove it")
    return Check(label, True)


def _attribution_check(fields: dict, source: dict | None) -> Check:
    label = "Attribution to the original source"
    kind = fields.get("attribution_kind")
    if source:
        if kind == Briefing.AttributionKind.ORIGINAL:
            return Check(
                label,
                False,
                "began from a source item but is marked as original reporting",
            )
        if not (source.get("url") and (source.get("outlet") or {}).get("name")):
            return Check(label, False, "the source item lacks its outlet or original URL")
        return Check(label, True, f"{source['outlet']['name']}, {source['url']}")
    if kind == Briefing.AttributionKind.SOURCE_ASSISTED:
        return Check(label, False, "marked source assisted but names no source item")
    return Check(label, True, "original reporting")


def unmet(data: dict) -> list[Check]:
    return [check for check in run(data) if not check.ok]


def unmet_for_review(data: dict) -> list[Check]:
    """What a briefing needs before it goes to an editor: someone answers for it."""
    return [] if data.get("byline") else [BYLINE_MISSING]
