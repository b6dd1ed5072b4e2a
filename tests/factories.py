"""Factories for test data (factory-boy). Fixture files are kept for external formats only."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from briefings.models import (
    Briefing,
    Citation,
    EditorsNote,
    QABlock,
    Section,
    StandardsVersion,
    Takeaway,
    Topic,
)
from newsroom.models import User
from sources.models import Outlet, SourceItem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"Staff Member {n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    homepage = factory.Sequence(lambda n: f"https://outlet{n}.example/")


class SourceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceItem

    outlet = factory.SubFactory(OutletFactory)
    url = factory.Sequence(lambda n: f"https://news.example/story-{n}")
    guid = factory.Sequence(lambda n: f"guid-{n}")
    title = factory.Sequence(lambda n: f"Discovered story {n}")
    summary = "A short summary of the discovered story."
    published_at = factory.LazyFunction(timezone.now)


class BriefingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Briefing
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Briefing headline {n}")
    slug = factory.Sequence(lambda n: f"briefing-{n}")
    dek = "One sentence that says what happened."
    topic = factory.SubFactory(TopicFactory)


def add_children(briefing: Briefing, count: int = 3) -> Briefing:
    """Give ``briefing`` ``count`` of every kind of child, like a complete briefing."""
    for n in range(1, count + 1):
        Takeaway.objects.create(briefing=briefing, position=n, text=f"Takeaway {n}")
        Section.objects.create(
            briefing=briefing, position=n, heading=f"Section {n}", body=f"<p>Body {n}</p>"
        )
        QABlock.objects.create(
            briefing=briefing, position=n, question=f"Question {n}?", answer=f"<p>Answer {n}</p>"
        )
        EditorsNote.objects.create(briefing=briefing, position=n, body=f"<p>Note {n}</p>")
        Citation.objects.create(
            briefing=briefing, position=n, title=f"Citation {n}", url=f"https://c{n}.example/"
        )
    return briefing


def standards(**kwargs) -> StandardsVersion:
    defaults = {
        "method_summary": "We name our sources and an editor reviews every briefing.",
        "body": '<h2 id="corrections">Corrections</h2><p>We correct mistakes openly.</p>',
        "change_summary": "First version.",
    }
    return StandardsVersion.objects.create(**{**defaults, **kwargs})


# Feeds (sources app).
from sources.models import Feed  # noqa: E402


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    outlet = factory.SubFactory(OutletFactory)
    url = factory.Sequence(lambda n: f"https://feeds{n}.example/feed.xml")
    title = factory.Sequence(lambda n: f"Feed {n}")


# Workflow helpers (briefings' workflow tests and browser tests).

WORKFLOW_STATES = [
    "draft",
    "in_review",
    "changes_requested",
    "scheduled",
    "published",
    "published_changes",
    "withdrawn",
]


def complete_briefing(author=None, **kwargs) -> Briefing:
    """A draft by ``author`` that meets the publication checklist."""
    briefing = BriefingFactory(created_by=author, **kwargs)
    if author is not None:
        briefing.authors.add(author)
    for n in range(1, 4):
        Takeaway.objects.create(briefing=briefing, position=n, text=f"Takeaway {n}")
    Section.objects.create(
        briefing=briefing, position=1, heading="What happened", body="<p>First version.</p>"
    )
    return briefing


def briefing_in_state(state: str, writer, editor, **kwargs) -> Briefing:
    """A complete briefing written by ``writer``, moved to ``state`` through the workflow
    (``editor`` reviews it); ``published_changes`` is published with an unpublished edit."""
    from datetime import timedelta

    from briefings import workflow

    briefing = complete_briefing(writer, **kwargs)
    if state == "draft":
        return briefing
    workflow.submit_for_review(writer, briefing)
    if state == "changes_requested":
        workflow.request_changes(editor, briefing, "Please check the second takeaway.")
    elif state == "scheduled":
        workflow.schedule(editor, briefing, timezone.now() + timedelta(days=1))
    elif state in {"published", "published_changes", "withdrawn"}:
        workflow.publish(editor, briefing)
    if state == "published_changes":
        Section.objects.filter(briefing=briefing).update(body="<p>Second version.</p>")
        workflow.save_working_copy(writer, briefing)
    if state == "withdrawn":
        workflow.withdraw(editor, briefing, "The source retracted its report.")
    briefing.refresh_from_db()
    return briefing


def change_form_data(briefing: Briefing, **fields) -> dict:
    """POST data for the briefing's admin change form as it would come back unchanged, with
    every child row, plus ``fields`` (e.g. ``dek=...`` or ``takeaways-0-text=...``)."""
    briefing.refresh_from_db()
    data = {
        "headline": briefing.headline,
        "slug": briefing.slug,
        "dek": briefing.dek,
        "topic": str(briefing.topic_id),
        "work_type": briefing.work_type,
        "attribution_kind": briefing.attribution_kind,
        "source_item": str(briefing.source_item_id or ""),
        "follows": str(briefing.follows_id or ""),
        "lead_image_alt": briefing.lead_image_alt,
        "lead_image_caption": briefing.lead_image_caption,
        "lead_image_credit": briefing.lead_image_credit,
        "lead_image_source_type": briefing.lead_image_source_type,
        "version": str(briefing.version),
    }
    authors = [str(pk) for pk in briefing.authors.values_list("pk", flat=True)]
    if briefing.ai_assisted:
        data["ai_assisted"] = "on"
    data |= {
        "ai_tool": briefing.ai_tool,
        "ai_uses": list(briefing.ai_uses),
        "ai_use_other": briefing.ai_use_other,
        "ai_checked_by": str(briefing.ai_checked_by_id or ""),
    }
    children = {
        "takeaways": (Takeaway, ["text"]),
        "sections": (Section, ["heading", "body"]),
        "qa_blocks": (QABlock, ["question", "answer"]),
        "notes": (EditorsNote, ["kind", "body"]),
        "citations": (Citation, ["title", "url", "publisher"]),
    }
    for prefix, (model, names) in children.items():
        rows = list(model.objects.filter(briefing=briefing).order_by("position"))
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            data |= {
                f"{prefix}-{index}-id": str(row.pk),
                f"{prefix}-{index}-briefing": str(briefing.pk),
                f"{prefix}-{index}-position": str(row.position),
            }
            for name in names:
                data[f"{prefix}-{index}-{name}"] = getattr(row, name)
    data.update(fields)
    return {**data, "authors": authors} if "authors" not in fields else data


def follow_up_of(original, writer, editor, state="published", **kwargs) -> Briefing:
    """A complete briefing by ``writer`` that follows ``original``, moved to ``state``
    (draft, published or withdrawn)."""
    from briefings import workflow

    briefing = briefing_in_state("draft", writer, editor, follows=original, **kwargs)
    if state != "draft":
        workflow.submit_for_review(writer, briefing)
        workflow.publish(editor, briefing)
    if state == "withdrawn":
        workflow.withdraw(editor, briefing, "The follow-up was wrong.")
    briefing.refresh_from_db()
    return briefing
