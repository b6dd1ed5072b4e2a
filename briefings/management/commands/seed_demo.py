"""Load the demo newsroom: topics, outlets, published briefings, a draft, the standards page
and demo log-ins. Safe to run again: what exists is left as it is."""

import io
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from briefings.models import (
    HOUSE_SECTIONS,
    Briefing,
    Citation,
    EditorsNote,
    QABlock,
    Section,
    StandardsVersion,
    Takeaway,
    Topic,
)
from briefings.workflow import make_live
from sources.models import Outlet, SourceItem

from . import demo_content as demo

# (user name, password, display name, group). Demo mode only: never on a real site.
DEMO_USERS = [
    ("writer", "writer-demo-pass", "Sam Writer", "Writers"),
    ("editor", "editor-demo-pass", "Alex Editor", "Editors"),
    ("standards", "standards-demo-pass", "Robin Standards", "Standards editors"),
]


def demo_image() -> ContentFile:
    """A lead image drawn here with Pillow: waves under a barrier, in flat colours."""
    image = Image.new("RGB", (1200, 675), "#dfe9ef")
    draw = ImageDraw.Draw(image)
    for band, colour in enumerate(["#9cc3d5", "#6a9fb8", "#3f7592", "#24526b"]):
        top = 330 + band * 80
        points = [(x, top + (18 if (x // 100) % 2 else -18)) for x in range(0, 1300, 100)]
        draw.polygon([(0, 675), *points, (1200, 675)], fill=colour)
    for x in range(120, 1100, 160):
        draw.rectangle([x, 250, x + 40, 520], fill="#3b3b3b")
    draw.rectangle([100, 240, 1100, 270], fill="#555555")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name="tidal-barrier-illustration.png")


class Command(BaseCommand):
    help = "Load demo content (idempotent). Demo log-ins are created only in demo mode."

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError("seed_demo runs only with DEMO_MODE=true or DEBUG=true.")
        users = self.create_users()
        if Briefing.objects.filter(slug=demo.BRIEFINGS[0]["slug"]).exists():
            self.stdout.write("Demo content already loaded; left as it is.")
        else:
            self.create_content(users)
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.print_logins()

    def create_users(self) -> dict:
        users = {}
        for username, password, display_name, group in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username,
                defaults={"display_name": display_name, "is_staff": True},
            )
            if created:
                user.set_password(password)
                user.save()
                user.groups.add(Group.objects.get(name=group))
            users[username] = user
        return users

    def print_logins(self) -> None:
        self.stdout.write("\nDemo log-ins for http://127.0.0.1:8000/admin/ (demo mode only):")
        for username, password, _, group in DEMO_USERS:
            self.stdout.write(f"  {group:<18} user: {username:<10} password: {password}")
        self.stdout.write("")

    @transaction.atomic
    def create_content(self, users) -> None:
        writer, editor = users["writer"], users["editor"]
        topics = {
            slug: Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": text, "position": n}
            )[0]
            for n, (name, slug, text) in enumerate(demo.TOPICS)
        }
        outlets = {
            slug: Outlet.objects.get_or_create(
                slug=slug, defaults={"name": name, "homepage": home, "description": text}
            )[0]
            for name, slug, home, text in demo.OUTLETS
        }
        now = timezone.now()
        for n, spec in enumerate(demo.BRIEFINGS):
            outlet = outlets[spec["outlet"]]
            item = SourceItem.objects.create(
                outlet=outlet,
                url=f"{outlet.homepage}stories/{spec['slug']}",
                guid=f"{outlet.slug}-{n}",
                title=spec["headline"].replace("What ", "").capitalize(),
                summary=spec["dek"],
                published_at=now - timedelta(hours=8 * n + 3),
                status=SourceItem.Status.USED,
            )
            briefing = self.create_briefing(spec, topics, writer, item)
            self.add_notes(briefing, spec, editor)
            make_live(briefing, editor, when=now - timedelta(hours=8 * n))
        draft = Briefing.objects.create(
            slug=demo.DRAFT["slug"],
            headline=demo.DRAFT["headline"],
            dek=demo.DRAFT["dek"],
            topic=topics[demo.DRAFT["topic"]],
            created_by=writer,
        )
        draft.authors.add(writer)
        Takeaway.objects.create(briefing=draft, position=1, text=demo.DRAFT["takeaways"][0])
        StandardsVersion.objects.create(
            method_summary=demo.STANDARDS_SUMMARY,
            body=demo.STANDARDS_BODY,
            change_summary="First version of our standards.",
            created_by=editor,
            effective_at=now - timedelta(days=30),
        )

    def create_briefing(self, spec, topics, writer, item) -> Briefing:
        briefing = Briefing(
            slug=spec["slug"],
            headline=spec["headline"],
            dek=spec["dek"],
            topic=topics[spec["topic"]],
            work_type=spec["work_type"],
            attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
            source_item=item,
            ai_assisted=spec.get("ai", False),
            created_by=writer,
        )
        if spec.get("image"):
            briefing.lead_image = demo_image()
            briefing.lead_image_alt = "Flat illustration of four gates standing in blue waves."
            briefing.lead_image_caption = "The trial used a single gate of the planned twelve."
            briefing.lead_image_credit = "Illustration drawn by the demo seeding script (Pillow)"
            briefing.lead_image_source_type = Briefing.ImageSourceType.ILLUSTRATION
        briefing.save()
        briefing.authors.add(writer)
        Takeaway.objects.bulk_create(
            Takeaway(briefing=briefing, position=n, text=text)
            for n, text in enumerate(spec["takeaways"], 1)
        )
        Section.objects.bulk_create(
            Section(briefing=briefing, position=n, heading=heading, body=body)
            for n, (heading, body) in enumerate(
                zip(HOUSE_SECTIONS, spec["sections"], strict=True), 1
            )
        )
        QABlock.objects.bulk_create(
            QABlock(briefing=briefing, position=n, question=q, answer=a)
            for n, (q, a) in enumerate(spec.get("qa", []), 1)
        )
        Citation.objects.create(
            briefing=briefing,
            position=1,
            title=f"Public record consulted for “{spec['headline']}”",
            url=f"https://records.example/{spec['slug']}",
            publisher="Open records office",
        )
        return briefing

    def add_notes(self, briefing, spec, editor) -> None:
        notes = [
            EditorsNote(
                kind=EditorsNote.Kind.NOTE,
                body=f"<p>Written by Sam Writer and edited by {editor.public_name}.</p>",
            )
        ]
        if spec.get("ai"):
            notes.append(EditorsNote(kind=EditorsNote.Kind.AI_DISCLOSURE, body=demo.AI_NOTE))
        for n, note in enumerate(notes, 1):
            note.briefing, note.position = briefing, n
        EditorsNote.objects.bulk_create(notes)
