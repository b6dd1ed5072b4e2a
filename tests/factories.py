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
