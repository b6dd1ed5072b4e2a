"""The editorial workflow: transitions, their log and emails, the publication checklist,
scheduling, withdrawal, and saving the admin form without losing anyone's edit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from briefings import checklist, workflow
from briefings.models import Briefing, Transition
from briefings.snapshot import Snapshot
from briefings.tasks import publish_scheduled
from tests.factories import (
    BriefingFactory,
    SourceItemFactory,
    UserFactory,
    briefing_in_state,
    change_form_data,
    complete_briefing,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer():
    return UserFactory(role="Writers", email="writer@newsroom.example")


@pytest.fixture
def editor():
    return UserFactory(role="Editors", email="editor@newsroom.example")


def change_url(briefing):
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


def transition_url(briefing, name):
    return f"/admin/briefings/briefing/{briefing.pk}/workflow/{name}/"


# Transitions, their log and their emails.


def test_submitting_for_review_tells_the_editors(
    writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    briefing = complete_briefing(writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(writer, briefing, "Ready when you are.")

    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert [m.to for m in mailoutbox] == [["editor@newsroom.example"]]
    assert briefing.headline in mailoutbox[0].subject
    assert f"/admin/briefings/briefing/{briefing.pk}/change/" in mailoutbox[0].body


def test_every_transition_is_logged_with_who_when_from_to_and_comment(writer, editor):
    briefing = complete_briefing(writer)
    workflow.submit_for_review(writer, briefing)
    workflow.request_changes(editor, briefing, "Cite the council minutes.")
    workflow.submit_for_review(writer, briefing, "Cited them.")
    workflow.publish(editor, briefing)

    log = list(briefing.transitions.order_by("created_at", "id"))
    assert [(t.action, t.from_status, t.to_status, t.user) for t in log] == [
        ("submit", "draft", "in_review", writer),
        ("request_changes", "in_review", "changes_requested", editor),
        ("submit", "changes_requested", "in_review", writer),
        ("publish", "in_review", "published", editor),
    ]
    assert log[1].comment == "Cite the council minutes."
    assert log[2].comment == "Cited them."
    assert all(t.created_at for t in log)
    assert log[3].revision == Briefing.objects.get(pk=briefing.pk).live_revision


def test_requesting_changes_needs_a_comment_that_the_writer_then_sees(
    client, writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    briefing = briefing_in_state("in_review", writer, editor)
    with pytest.raises(ValidationError):
        workflow.request_changes(editor, briefing, "   ")

    client.force_login(editor)
    version = str(briefing.version)
    response = client.post(
        transition_url(briefing, "request_changes"), {"comment": "", "version": version}
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            transition_url(briefing, "request_changes"),
            {"comment": "The second takeaway needs a source.", "version": version},
        )
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.CHANGES_REQUESTED
    assert [m.to for m in mailoutbox] == [["writer@newsroom.example"]]
    assert "The second takeaway needs a source." in mailoutbox[0].body

    client.force_login(writer)
    page = client.get(change_url(briefing)).content.decode()
    assert "Changes requested" in page
    assert "The second takeaway needs a source." in page


def test_publishing_freezes_a_revision_and_tells_the_authors(
    client, writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    briefing = briefing_in_state("in_review", writer, editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(editor, briefing)

    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    assert briefing.live_revision.number == 1
    assert briefing.published_at <= timezone.now()
    assert [m.to for m in mailoutbox] == [["writer@newsroom.example"]]
    assert "Published" in mailoutbox[0].subject
    assert client.get(briefing.get_absolute_url()).status_code == 200


def test_a_writer_cannot_publish_schedule_approve_or_withdraw(writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    for attempt in (
        lambda: workflow.publish(writer, briefing),
        lambda: workflow.schedule(writer, briefing, timezone.now() + timedelta(days=1)),
        lambda: workflow.request_changes(writer, briefing, "Looks fine to me"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    published = briefing_in_state("published", writer, editor)
    with pytest.raises(PermissionDenied):
        workflow.withdraw(writer, published, "Changed my mind")


def test_the_change_page_shows_only_the_buttons_the_user_may_use(client, writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    client.force_login(writer)
    page = client.get(change_url(briefing)).content.decode()
    for button in ("Approve and publish", "Request changes", "Approve and schedule", "Withdraw"):
        assert button not in page
    client.force_login(editor)
    page = client.get(change_url(briefing)).content.decode()
    for button in ("Approve and publish", "Request changes", "Approve and schedule"):
        assert button in page
    assert "Submit for review" not in page


def test_the_timeline_shows_on_the_change_page(client, writer, editor):
    briefing = briefing_in_state("changes_requested", writer, editor)
    client.force_login(writer)
    page = client.get(change_url(briefing)).content.decode()
    assert 'id="timeline"' in page
    assert "requested changes" in page
    assert "submitted for review" in page
    assert editor.public_name in page


# The publication checklist.


def snapshot_of(briefing):
    return Snapshot.of(briefing)


def test_publishing_is_refused_with_every_unmet_item_listed(client, writer, editor):
    briefing = BriefingFactory(
        created_by=writer, dek="", ai_assisted=True, source_item=SourceItemFactory()
    )
    briefing.takeaways.create(position=1, text="Only one")
    briefing.authors.add(writer)
    workflow.submit_for_review(writer, briefing)
    briefing.authors.clear()

    with pytest.raises(workflow.ChecklistIncomplete) as refused:
        workflow.publish(editor, briefing)
    labels = {check.label for check in refused.value.unmet}
    assert labels == {
        "Dek present and short enough",
        "3–5 key takeaways",
        "At least one section with text",
        "Attribution to the original source",
        "AI assistance disclosed",
        "Byline names at least one person",
    }

    client.force_login(editor)
    response = client.post(
        transition_url(briefing, "publish"),
        {"version": str(briefing.version), "publish-confirm": "yes"},
        follow=True,
    )
    page = response.content.decode()
    for label in labels:
        assert label in page
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert briefing.live_revision is None


def test_checklist_counts_takeaways_between_three_and_five(writer):
    briefing = complete_briefing(writer)
    assert not checklist.unmet(snapshot_of(briefing))
    for n in (4, 5, 6):
        briefing.takeaways.create(position=n, text=f"Extra {n}")
    assert [c.label for c in checklist.unmet(snapshot_of(briefing))] == ["3–5 key takeaways"]


def test_checklist_wants_alt_text_and_credit_on_a_lead_image(writer):
    briefing = complete_briefing(writer, lead_image="lead-images/x.png", lead_image_alt="Gates")
    [missing] = checklist.unmet(snapshot_of(briefing))
    assert missing.label == "Lead image has alt text and a credit"
    assert missing.detail == "missing credit"


def test_checklist_wants_the_source_item_attributed(writer):
    item = SourceItemFactory()
    briefing = complete_briefing(writer, source_item=item, attribution_kind="original")
    [missing] = checklist.unmet(snapshot_of(briefing))
    assert missing.label == "Attribution to the original source"
    Briefing.objects.filter(pk=briefing.pk).update(attribution_kind="source_assisted")
    briefing.refresh_from_db()
    assert not checklist.unmet(snapshot_of(briefing))


def test_checklist_wants_a_disclosure_when_ai_assisted(writer):
    briefing = complete_briefing(writer, ai_assisted=True)
    assert [c.label for c in checklist.unmet(snapshot_of(briefing))] == ["AI assistance disclosed"]
    # A free-text note is not enough: readers are told the tool, its use and its checker.
    briefing.notes.create(position=1, kind="ai_disclosure", body="<p>A model drafted.</p>")
    assert checklist.unmet(snapshot_of(briefing))
    briefing.ai_tool, briefing.ai_uses, briefing.ai_checked_by = "Model", ["summary"], writer
    briefing.save()
    assert not checklist.unmet(snapshot_of(briefing))


def test_the_checklist_shows_on_the_change_page_as_ticks_and_crosses(client, writer):
    briefing = BriefingFactory(created_by=writer)
    client.force_login(writer)
    page = client.get(change_url(briefing)).content.decode()
    assert "Publication checklist" in page
    assert page.count('class="wf-ok"') == 3  # headline, dek, attribution (original)
    assert page.count('class="wf-missing"') == 3  # takeaways, sections, byline


# Scheduling.


def test_a_scheduled_briefing_goes_public_at_its_time_without_anyone_clicking(
    client, writer, editor
):
    briefing = briefing_in_state("scheduled", writer, editor)
    assert client.get(briefing.get_absolute_url()).status_code == 404
    assert briefing.headline not in client.get("/").content.decode()

    Briefing.objects.filter(pk=briefing.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    from django.core.cache import cache

    cache.clear()
    assert client.get(briefing.get_absolute_url()).status_code == 200
    assert briefing.headline in client.get("/").content.decode()


def test_publish_scheduled_command_flips_logs_and_notifies(
    writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    due = briefing_in_state("scheduled", writer, editor)
    later = briefing_in_state("scheduled", writer, editor)
    Briefing.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(seconds=5))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115

    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Briefing.Status.PUBLISHED
    assert later.status == Briefing.Status.SCHEDULED
    event = due.transitions.first()
    assert (event.action, event.from_status, event.to_status, event.user) == (
        "publish_scheduled",
        "scheduled",
        "published",
        None,
    )
    assert [m.to for m in mailoutbox] == [["writer@newsroom.example"]]


def test_publish_scheduled_clears_cached_pages(client, writer, editor):
    due = briefing_in_state("scheduled", writer, editor)
    assert due.headline not in client.get("/").content.decode()  # cached now
    Briefing.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(seconds=5))
    from newsroom.cache import _generation_and

    before, _ = _generation_and(None)
    workflow.publish_due_scheduled()
    # Clearing happens on commit; run it as the commit would.
    from newsroom.cache import clear_public_pages

    clear_public_pages()
    assert _generation_and(None)[0] > before
    assert due.headline in client.get("/").content.decode()


def test_the_scheduling_task_does_what_the_command_does(writer, editor):
    due = briefing_in_state("scheduled", writer, editor)
    Briefing.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(seconds=5))
    assert publish_scheduled.call() == 1
    due.refresh_from_db()
    assert due.status == Briefing.Status.PUBLISHED


def test_scheduling_enqueues_the_task_for_the_publish_time(
    writer, editor, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    briefing = briefing_in_state("in_review", writer, editor)
    when = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.schedule(editor, briefing, when)
    task = DBTaskResult.objects.get()
    assert task.task_path == "briefings.tasks.publish_scheduled"
    assert abs((task.run_after - when).total_seconds()) < 1


def test_scheduling_needs_a_future_time(client, writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    with pytest.raises(ValidationError):
        workflow.schedule(editor, briefing, timezone.now() - timedelta(minutes=1))
    client.force_login(editor)
    response = client.post(
        transition_url(briefing, "schedule"),
        {"publish_at": "yesterday", "version": str(briefing.version)},
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW


def test_cancelling_a_schedule_sends_the_briefing_back_to_review(writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)
    workflow.unschedule(editor, briefing)
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert briefing.live_revision is None and briefing.published_at is None


# Withdrawal.


def test_withdrawing_needs_a_reason_and_the_page_answers_410_with_it(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    assert briefing.headline in client.get("/").content.decode()
    with pytest.raises(ValidationError):
        workflow.withdraw(editor, briefing, "")

    client.force_login(editor)
    client.post(
        transition_url(briefing, "withdraw"),
        {"reason": "The report was retracted.", "withdraw-confirm": "yes"},
    )
    client.logout()
    from django.core.cache import cache

    cache.clear()  # the on-commit clearing does not run inside a test transaction
    response = client.get(briefing.get_absolute_url())
    assert response.status_code == 410
    assert "The report was retracted." in response.content.decode()
    assert briefing.headline not in client.get("/").content.decode()
    assert not Briefing.objects.published().filter(pk=briefing.pk).exists()


# Editing: published pages stay as approved; nobody's save is lost.


def test_editing_a_published_briefing_leaves_the_public_page_alone(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    client.force_login(writer)
    data = change_form_data(briefing, dek="A dek the editor has not seen.")
    response = client.post(change_url(briefing), data)
    assert response.status_code == 302

    briefing.refresh_from_db()
    assert briefing.has_unpublished_changes
    assert briefing.status == Briefing.Status.PUBLISHED
    client.logout()
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "A dek the editor has not seen." not in page
    assert "One sentence that says what happened." in page

    workflow.submit_for_review(writer, briefing)
    briefing.refresh_from_db()
    assert briefing.is_live  # still public while its changes are reviewed
    workflow.publish(editor, briefing)
    from django.core.cache import cache

    cache.clear()
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "A dek the editor has not seen." in page
    briefing.refresh_from_db()
    assert briefing.live_revision.number == 3  # after the writer's saved draft, revision 2
    assert briefing.live_revision.kind == "publication"
    assert not briefing.has_unpublished_changes


def test_republishing_keeps_the_address_and_first_publish_time(writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    first = (briefing.slug, briefing.published_at)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    briefing.refresh_from_db()
    assert (briefing.slug, briefing.published_at) == first


def test_a_successful_save_increments_the_version(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    client.post(change_url(briefing), change_form_data(briefing, dek="Second dek."))
    briefing.refresh_from_db()
    assert (briefing.version, briefing.dek) == (2, "Second dek.")


def test_the_second_of_two_saves_is_refused_and_nothing_is_overwritten(client, writer, editor):
    briefing = complete_briefing(writer)
    stale = change_form_data(briefing, dek="The writer's dek.")
    client.force_login(editor)
    client.post(change_url(briefing), change_form_data(briefing, dek="The editor's dek."))

    client.force_login(writer)
    response = client.post(change_url(briefing), {**stale, "takeaways-0-text": "Writer's point"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this briefing after you opened it" in page
    assert f"/admin/briefings/briefing/{briefing.pk}/history/" in page
    assert "The writer&#x27;s dek." in page  # the writer's text is still in the form
    briefing.refresh_from_db()
    assert briefing.dek == "The editor's dek."
    assert briefing.version == 2
    assert briefing.takeaways.get(position=1).text == "Takeaway 1"


def test_a_form_without_its_version_is_refused(client, writer):
    briefing = complete_briefing(writer)
    data = change_form_data(briefing, dek="No version")
    del data["version"]
    client.force_login(writer)
    response = client.post(change_url(briefing), data)
    assert response.status_code == 200
    briefing.refresh_from_db()
    assert briefing.dek != "No version"


def test_a_transition_made_while_a_form_is_open_is_not_undone_by_its_save(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    live = briefing.live_revision_id
    data = change_form_data(briefing, dek="Edited while an editor added a correction.")
    workflow.add_correction(editor, briefing, "update", "<p>New figures came in.</p>")
    client.force_login(writer)
    response = client.post(change_url(briefing), data)
    # The public record is not part of the working copy: the edit is no conflict, and the
    # save (of the form's fields only) leaves the note and the live revision as they were.
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.dek == "Edited while an editor added a correction."
    assert (briefing.status, briefing.live_revision_id) == (Briefing.Status.PUBLISHED, live)
    assert briefing.public_notes.filter(kind="update").count() == 1
    assert briefing.has_unpublished_changes


def test_a_status_change_made_while_a_form_is_open_is_not_undone_by_its_save(client, editor):
    author = UserFactory(role="Editors")
    briefing = briefing_in_state("in_review", author, editor)
    data = change_form_data(briefing, dek="Typed while the review went on.")
    workflow.request_changes(editor, briefing, "Name the second source.")
    client.force_login(author)
    assert client.post(change_url(briefing), data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.CHANGES_REQUESTED
    assert briefing.dek == "Typed while the review went on."


# Approving what was reviewed: the workflow forms carry the version the editor saw.


def version_in(page: str, transition: str) -> str:
    """The version the button of ``transition`` posts: its own form's, or, when the button
    submits the briefing's form (an editable page), that form's."""
    button = f'name="_transition" value="{transition}" form="briefing_form"'
    if button in page:
        form = page[page.index('id="briefing_form"') :]
        marker = 'name="version" value="'
    else:
        form = page[page.index(f"/workflow/{transition}/") :]
        form = form[: form.index("</form>")]
        marker = 'name="version" value="'
    start = form.index(marker) + len(marker)
    return form[start : form.index('"', start)]


def test_the_workflow_forms_carry_the_version_the_page_shows(client, writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    Briefing.objects.filter(pk=briefing.pk).update(version=7)
    client.force_login(editor)
    page = client.get(change_url(briefing)).content.decode()
    for transition in ("publish", "schedule", "request_changes"):
        assert version_in(page, transition) == "7", transition


def test_an_edit_saved_during_review_is_not_published_unseen(client, settings, editor):
    settings.WORKFLOW_REQUIRE_SECOND_EDITOR = True
    author = UserFactory(role="Editors")
    briefing = briefing_in_state("in_review", author, editor)
    client.force_login(editor)
    seen = version_in(client.get(change_url(briefing)).content.decode(), "publish")

    # The author (an editor, so they may edit in review) changes the dek meanwhile.
    client.force_login(author)
    data = change_form_data(briefing, dek="A dek nobody reviewed.")
    assert client.post(change_url(briefing), data).status_code == 302

    client.force_login(editor)
    confirmed = {"publish-confirm": "yes"}
    response = client.post(
        transition_url(briefing, "publish"), {"version": seen, **confirmed}, follow=True
    )
    page = response.content.decode()
    assert "The briefing changed since you opened it; review the changes first." in page
    assert f'href="/admin/briefings/briefing/{briefing.pk}/compare/"' in page
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert briefing.live_revision is None

    # Having reloaded the page (and seen the new dek), the editor may publish it.
    assert "A dek nobody reviewed." in page
    client.post(
        transition_url(briefing, "publish"), {"version": version_in(page, "publish"), **confirmed}
    )
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    assert briefing.live_revision.dek == "A dek nobody reviewed."


@pytest.mark.parametrize("transition", ["publish", "schedule", "request_changes"])
def test_a_workflow_form_with_a_stale_or_missing_version_changes_nothing(
    client, writer, editor, transition
):
    briefing = briefing_in_state("in_review", writer, editor)
    Briefing.objects.filter(pk=briefing.pk).update(version=F("version") + 1)
    when = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"comment": "Needs a source.", "publish_at": when, "publish-confirm": "yes"}
    client.force_login(editor)
    for version in ({"version": str(briefing.version)}, {}):
        response = client.post(transition_url(briefing, transition), {**data, **version})
        assert response.status_code == 302
        page = client.get(change_url(briefing)).content.decode()
        assert "The briefing changed since you opened it" in page
        briefing.refresh_from_db()
        assert briefing.status == Briefing.Status.IN_REVIEW
        assert briefing.live_revision is None
        assert not briefing.transitions.exclude(action="submit").exists()


def test_publish_and_schedule_refuse_an_unexpected_version(writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    stale = briefing.version - 1
    with pytest.raises(workflow.BriefingChanged):
        workflow.publish(editor, briefing, expected_version=stale)
    with pytest.raises(workflow.BriefingChanged):
        workflow.schedule(
            editor, briefing, timezone.now() + timedelta(days=1), expected_version=stale
        )
    with pytest.raises(workflow.BriefingChanged):
        workflow.request_changes(editor, briefing, "Source it.", expected_version=stale)
    workflow.publish(editor, briefing, expected_version=briefing.version)
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED


def test_the_log_is_kept_in_order_of_time(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    actions = list(briefing.transitions.values_list("action", flat=True))
    assert actions == ["publish", "submit"]  # newest first
    assert Transition.objects.filter(briefing=briefing).count() == 2


def test_the_checklist_follows_the_unsaved_form(client, writer):
    briefing = complete_briefing(writer, ai_assisted=True)
    client.force_login(writer)
    page = client.get(change_url(briefing)).content.decode()
    assert f'data-live-url="/admin/briefings/briefing/{briefing.pk}/checklist/"' in page

    data = change_form_data(briefing, dek="", **{"takeaways-2-DELETE": "on"})
    response = client.post(f"/admin/briefings/briefing/{briefing.pk}/checklist/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="wf-missing"') == 3
    for label in ("Dek present", "3–5 key takeaways", "AI assistance disclosed"):
        assert label in html
    briefing.refresh_from_db()
    assert briefing.dek  # nothing was saved
    assert briefing.takeaways.count() == 3


def test_another_writer_cannot_ask_for_the_live_checklist(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(UserFactory(role="Writers"))
    response = client.post(f"/admin/briefings/briefing/{briefing.pk}/checklist/", {})
    assert response.status_code == 404


def test_the_demo_has_a_briefing_in_every_state_and_corrections(settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    states = set(Briefing.objects.values_list("status", flat=True))
    assert states == {choice.value for choice in Briefing.Status}
    assert Briefing.objects.filter(
        status=Briefing.Status.PUBLISHED, has_unpublished_changes=True
    ).exists()
    requested = Briefing.objects.get(status=Briefing.Status.CHANGES_REQUESTED)
    assert requested.transitions.filter(action="request_changes").exclude(comment="").exists()
    withdrawn = Briefing.objects.get(status=Briefing.Status.WITHDRAWN)
    assert withdrawn.public_notes.filter(kind="withdrawal").exists()
    assert Briefing.objects.get(status=Briefing.Status.SCHEDULED).published_at > timezone.now()
    assert "Correction" in client.get("/corrections/").content.decode()
