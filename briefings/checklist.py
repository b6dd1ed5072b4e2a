"""The publication checklist: what a briefing needs before readers may see it.

It reads a snapshot (``briefings.snapshot``), so the same rules apply to the form as the writer
types, to the working copy shown in the admin and to what ``workflow.publish`` freezes.
"""

from dataclasses import dataclass

from django.utils.text import get_text_list

from newsroom.plaintext import html_to_text

from .models import Briefing
from .snapshot import Disclosure, Snapshot

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


BYLINE_LABEL = "Byline names at least one person"
BYLINE_MISSING = Check(BYLINE_LABEL, False, "add the writer to the byline")


def _text(value) -> str:
    return (value or "").strip()


def _length_check(label: str, value: str, limit: int) -> Check:
    if not value:
        return Check(label, False, "missing")
    if len(value) > limit:
        return Check(label, False, f"{len(value)} characters, at most {limit}")
    return Check(label, True)


def run(page: Snapshot) -> list[Check]:
    """Every item of the checklist for ``page``, met or not."""
    checks = [
        _length_check("Headline present and short enough", _text(page.headline), HEADLINE_MAX),
        _length_check("Dek present and short enough", _text(page.dek), DEK_MAX),
    ]
    count = len([t for t in page.takeaways if _text(t.text)])
    enough = TAKEAWAYS_MIN <= count <= TAKEAWAYS_MAX
    checks.append(
        Check(
            f"{TAKEAWAYS_MIN}–{TAKEAWAYS_MAX} key takeaways",
            enough,
            "" if enough else f"has {count}",
        )
    )
    checks.append(_sections_check(page))
    unanswered = [
        _text(q.question) or "(no question)" for q in page.questions if not html_to_text(q.answer)
    ]
    if unanswered:
        checks.append(
            Check("Every question has an answer", False, "unanswered: " + "; ".join(unanswered))
        )
    checks.append(Check(BYLINE_LABEL, True) if page.byline else BYLINE_MISSING)
    if page.image:
        missing = [
            name
            for name, value in (("alt text", page.image.alt), ("credit", page.image.credit))
            if not _text(value)
        ]
        checks.append(
            Check(
                "Lead image has alt text and a credit",
                not missing,
                f"missing {' and '.join(missing)}" if missing else "",
            )
        )
    checks.append(_attribution_check(page))
    if page.ai_assisted:
        checks.append(_disclosure_check(page))
    if page.image and page.image.source_type in Briefing.AI_IMAGE_TYPES:
        disclosed = page.ai is not None and Briefing.AIUse.IMAGE in page.ai.uses
        checks.append(
            Check(
                "AI-made lead image disclosed",
                disclosed,
                "" if disclosed else "mark AI assistance and tick “generate the lead image”",
            )
        )
    return checks


def _disclosure_check(page: Snapshot) -> Check:
    """AI assistance is disclosed the way the standards promise: the tool, what it did and
    the person who checked it."""
    ai = page.ai or Disclosure()
    missing = []
    if not ai.tool.strip():
        missing.append("the tool or model")
    if not ai.uses:
        missing.append("what the AI did")
    elif Briefing.AIUse.OTHER in ai.uses and not ai.other.strip():
        missing.append("what the other use was")
    if not ai.checker:
        missing.append("who checked it")
    detail = "say " + get_text_list(missing, "and") if missing else ""
    return Check("AI assistance disclosed", not missing, detail)


def _sections_check(page: Snapshot) -> Check:
    label = "At least one section with text"
    if not page.sections:
        return Check(label, False, "none yet")
    empty = [_text(s.heading) or "(no heading)" for s in page.sections if not html_to_text(s.body)]
    if len(empty) == len(page.sections):
        return Check(label, False, "none has text yet")
    if empty:
        names = ", ".join(f"“{heading}”" for heading in empty)
        return Check(label, False, f"{names} has no text: write it or remove it")
    return Check(label, True)


def _attribution_check(page: Snapshot) -> Check:
    label = "Attribution to the original source"
    source = page.source
    if source:
        if page.attribution_kind == Briefing.AttributionKind.ORIGINAL:
            return Check(
                label, False, "began from a source item but is marked as original reporting"
            )
        if not (source.url and source.outlet_name):
            return Check(label, False, "the source item lacks its outlet or original URL")
        return Check(label, True, f"{source.outlet_name}, {source.url}")
    if page.attribution_kind == Briefing.AttributionKind.SOURCE_ASSISTED:
        return Check(label, False, "marked source assisted but names no source item")
    return Check(label, True, "original reporting")


def unmet(page: Snapshot) -> list[Check]:
    return [check for check in run(page) if not check.ok]


def unmet_for_review(page: Snapshot) -> list[Check]:
    """What a briefing needs before it goes to an editor: someone answers for it."""
    return [] if page.byline else [BYLINE_MISSING]
