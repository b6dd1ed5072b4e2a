"""Load the demo newsroom: topics, outlets, briefings in every workflow state (draft, in
review, changes requested, scheduled, published, published with unpublished changes,
withdrawn), corrections, the standards page and demo log-ins. Safe to run again: what exists
is left as it is."""

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

from briefings import demo, workflow
from briefings.credits import record_credits
from briefings.followups import start_follow_up
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
    Transition,
)
from briefings.workflow import make_live
from sources.demo import seed_feeds_and_items
from sources.models import Outlet, SourceItem

# (user name, password, display name, group). Demo mode only: never on a real site.
DEMO_USERS = [
    ("writer", "writer-demo-pass", "Sam Writer", "Writers"),
    ("editor", "editor-demo-pass", "Alex Editor", "Editors"),
    ("standards", "standards-demo-pass", "Robin Standards", "Standards editors"),
]
# Workflow emails go to these addresses (the console in demo mode).
DEMO_EMAIL_DOMAIN = "newsroom.example"


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
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo creates log-ins with published passwords, so it runs only with "
                "DEMO_MODE=true (as `make run` sets it), never on a real site."
            )
        users = self.create_users()
        if Briefing.objects.filter(slug=demo.BRIEFINGS[0]["slug"]).exists():
            self.stdout.write("Demo content already loaded; left as it is.")
        else:
            self.create_content(users)
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        seed_feeds_and_items()
        created = self.create_workflow_examples(users) + self.create_story_thread(users)
        corrected = self.add_corrections(users)
        if created or corrected:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Workflow examples loaded: {created} briefing(s), {corrected} note(s)."
                )
            )
        # Addresses come last, so that loading the demo does not send its own emails.
        self.give_addresses(users)
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
        self.stdout.write(f"\nDemo log-ins for {settings.SITE_URL}/admin/ (demo mode only):")
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
        # First, so that every demo publication records the standards it went out under.
        StandardsVersion.objects.create(
            method_summary=demo.STANDARDS_SUMMARY,
            body=demo.STANDARDS_BODY,
            change_summary="First version of our standards.",
            created_by=editor,
            effective_at=now - timedelta(days=30),
        )
        for n, spec in enumerate(demo.BRIEFINGS):
            outlet = outlets[spec["outlet"]]
            item = SourceItem.objects.create(
                outlet=outlet,
                url=f"{outlet.homepage}stories/{spec['slug']}",
                guid=f"{outlet.slug}-{n}",
                # The outlet's words; the briefing says it in ours (the checklist refuses a
                # headline or dek copied from the item).
                title=f"{outlet.name} reports: {spec['headline']}",
                summary=f"From our correspondent: {spec['dek']}",
                published_at=now - timedelta(hours=8 * n + 3),
                discovered_at=now - timedelta(hours=8 * n + 2),
                status=SourceItem.Status.USED,
            )
            briefing = self.create_briefing(demo.as_first_published(spec), topics, writer, item)
            self.add_notes(briefing, spec, editor)
            when = now - timedelta(hours=8 * n)
            revision = make_live(briefing, editor, when=when)
            Transition.objects.bulk_create(
                [
                    Transition(
                        briefing=briefing,
                        action=Transition.Action.SUBMIT,
                        from_status=Briefing.Status.DRAFT,
                        to_status=Briefing.Status.IN_REVIEW,
                        user=writer,
                        created_at=when - timedelta(hours=2),
                    ),
                    Transition(
                        briefing=briefing,
                        action=Transition.Action.PUBLISH,
                        from_status=Briefing.Status.IN_REVIEW,
                        to_status=Briefing.Status.PUBLISHED,
                        user=editor,
                        created_at=when,
                        revision=revision,
                    ),
                ]
            )
            record_credits(briefing, revision)  # as an approval does, from the log just made
        draft = Briefing.objects.create(
            slug=demo.DRAFT["slug"],
            headline=demo.DRAFT["headline"],
            dek=demo.DRAFT["dek"],
            topic=topics[demo.DRAFT["topic"]],
            created_by=writer,
        )
        draft.authors.add(writer)
        Takeaway.objects.create(briefing=draft, position=1, text=demo.DRAFT["takeaways"][0])

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
        """The AI disclosure, where AI helped: the tool, what it did and who checked it, which
        the page states in one sentence. Who wrote, edited and approved a briefing is not typed
        in a note: the page credits them from the workflow's log."""
        if spec.get("ai"):
            briefing.ai_tool = demo.AI_TOOL
            briefing.ai_uses = [Briefing.AIUse.SUMMARY, Briefing.AIUse.TAKEAWAYS]
            briefing.ai_checked_by = editor
            briefing.save(update_fields=["ai_tool", "ai_uses", "ai_checked_by"])
            EditorsNote.objects.create(
                briefing=briefing, position=1, kind=EditorsNote.Kind.NOTE, body=demo.AI_NOTE
            )

    @transaction.atomic
    def create_workflow_examples(self, users) -> int:
        """One briefing in each workflow state, moved there through the workflow itself."""
        writer, editor = users["writer"], users["editor"]
        now = timezone.now()
        created = 0
        for n, spec in enumerate(demo.WORKFLOW_BRIEFINGS):
            if Briefing.objects.filter(slug=spec["slug"]).exists():
                continue
            topic = Topic.objects.filter(slug=spec["topic"]).first()
            outlet = Outlet.objects.filter(slug=spec["outlet"]).first()
            if topic is None or outlet is None:
                continue
            item, _ = SourceItem.objects.get_or_create(
                url=f"{outlet.homepage}stories/{spec['slug']}",
                defaults={
                    "outlet": outlet,
                    "guid": f"{outlet.slug}-workflow-{n}",
                    # The outlet's words; the briefing says it in ours (the checklist
                    # refuses a headline or dek copied from the item).
                    "title": f"{outlet.name} reports: {spec['headline']}",
                    "summary": f"From our correspondent: {spec['dek']}",
                    "published_at": now - timedelta(hours=n + 1),
                    "discovered_at": now - timedelta(hours=n, minutes=30),
                    "status": SourceItem.Status.USED,
                },
            )
            briefing = self.create_briefing(spec, {spec["topic"]: topic}, writer, item)
            self.add_notes(briefing, spec, editor)
            self.move_through_workflow(briefing, spec, writer, editor, now)
            created += 1
        return created

    @transaction.atomic
    def create_story_thread(self, users) -> int:
        """A follow-up of a published briefing, started, written and published as a writer
        and an editor do it (docs/workflow.md, "Story threads")."""
        spec = demo.FOLLOW_UP
        original = Briefing.objects.filter(slug=spec["follows"]).first()
        if original is None or Briefing.objects.filter(slug=spec["slug"]).exists():
            return 0
        writer, editor = users["writer"], users["editor"]
        follow_up = start_follow_up(original, writer)
        for field in ("slug", "headline", "dek"):
            setattr(follow_up, field, spec[field])
        follow_up.save(update_fields=["slug", "headline", "dek"])
        Takeaway.objects.bulk_create(
            Takeaway(briefing=follow_up, position=n, text=text)
            for n, text in enumerate(spec["takeaways"], 1)
        )
        sections = follow_up.sections.order_by("position")
        for section, body in zip(sections, spec["sections"], strict=True):
            section.body = body
            section.save(update_fields=["body"])
        workflow.submit_for_review(writer, follow_up)
        workflow.publish(editor, follow_up)
        return 1

    def move_through_workflow(self, briefing, spec, writer, editor, now) -> None:
        state = spec["state"]
        workflow.submit_for_review(writer, briefing)
        if state == "changes_requested":
            workflow.request_changes(editor, briefing, demo.SCHOOL_ROOF_REQUEST)
        elif state == "scheduled":
            tomorrow = timezone.localtime(now + timedelta(days=1))
            when = tomorrow.replace(hour=7, minute=0, second=0, microsecond=0)
            workflow.schedule(editor, briefing, when, "Timed for the morning of the closure.")
        elif state == "published_with_changes":
            workflow.publish(editor, briefing)
            briefing.refresh_from_db()
            briefing.dek = spec["edited_dek"]
            briefing.save(update_fields=["dek"])
            Takeaway.objects.filter(briefing=briefing, position=2).update(
                text=spec["edited_takeaway"]
            )
            workflow.save_working_copy(writer, briefing)
        elif state == "withdrawn":
            workflow.publish(editor, briefing)
            workflow.withdraw(editor, briefing, spec["withdrawn_reason"])

    @transaction.atomic
    def add_corrections(self, users) -> int:
        """Dated public notes on published briefings, so the corrections log has entries."""
        added = 0
        for slug, notes in demo.CORRECTIONS.items():
            briefing = Briefing.objects.filter(slug=slug).first()
            if briefing is None or not briefing.is_live or briefing.public_notes.exists():
                continue
            if slug in demo.FIXED_MISTAKES:
                self.fix_mistake(briefing, users["writer"], users["editor"])
            for kind, body in notes:
                workflow.add_correction(users["editor"], briefing, kind, body)
                added += 1
        return added

    def fix_mistake(self, briefing, writer, editor) -> None:
        """The fixed text goes out as the briefing's next version, through the workflow."""
        spec = next(spec for spec in demo.BRIEFINGS if spec["slug"] == briefing.slug)
        briefing.dek = spec["dek"]
        briefing.save(update_fields=["dek"])
        for model, field, texts in (
            (Takeaway, "text", spec["takeaways"]),
            (Section, "body", spec["sections"]),
        ):
            for position, text in enumerate(texts, 1):
                model.objects.filter(briefing=briefing, position=position).update(**{field: text})
        workflow.save_working_copy(writer, briefing)
        workflow.submit_for_review(writer, briefing, "Fixed the number of missing years.")
        workflow.publish(editor, briefing)

    def give_addresses(self, users) -> None:
        for user in users.values():
            if not user.email:
                user.email = f"{user.username}@{DEMO_EMAIL_DOMAIN}"
                user.save(update_fields=["email"])
