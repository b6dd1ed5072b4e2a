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
HEADLINE_LABEL = "Headline present and short enough"
HEADLINE_MISSING = Check(HEADLINE_LABEL, False, "missing")
OWN_WORDS_LABEL = "Headline and dek in our own words"


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
        _length_check(HEADLINE_LABEL, _text(page.headline), HEADLINE_MAX),
        _length_check("Dek present and short enough", _text(page.dek), DEK_MAX),
    ]
    if page.source:
        checks.append(_own_words_check(page))
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


def _same_words(ours: str, theirs: str) -> bool:
    """Equal but for case and whitespace (an empty text copies nothing)."""
    ours = " ".join(html_to_text(ours or "").split()).casefold()
    return bool(ours) and ours == " ".join(html_to_text(theirs or "").split()).casefold()


def _own_words_check(page: Snapshot) -> Check:
    """A briefing that began from another outlet's item says it in our words: the headline and
    dek may not be the item's title and summary as they came."""
    copied = [
        name
        for name, ours, theirs in (
            ("headline", page.headline, page.source.title),
            ("dek", page.dek, page.source.summary),
        )
        if _same_words(ours, theirs)
    ]
    if not copied:
        return Check(OWN_WORDS_LABEL, True)
    what = "the headline and dek copy" if len(copied) == 2 else f"the {copied[0]} copies"
    return Check(OWN_WORDS_LABEL, False, f"{what} the source item word for word")


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
    """What a briefing needs before it goes to an editor: a headline, and someone who answers
    for it."""
    unmet = [] if _text(page.headline) else [HEADLINE_MISSING]
    return unmet + ([] if page.byline else [BYLINE_MISSING])
