"""Readers' error reports: the short form on every published page (which stays cacheable), the
report page it opens (CSRF, a honeypot, a throttle per address, limits with clear messages,
never a 500), the editors' triage queue, and one step from an accepted report to a note on the
public record, with the reader told by email."""

import pytest
from django.core.cache import cache
from django.test import Client

from briefings import reports
from briefings.models import ErrorReport, PublicNote
from briefings.models.error_report import PASSAGE_MAX_LENGTH, PROBLEM_MAX_LENGTH
from tests.factories import UserFactory, briefing_in_state, standards

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/briefings/errorreport/"
GOOD = {
    "passage": "The gate failed three times.",
    "problem": "The council's report says twice.",
    "email": "reader@example.org",
}


@pytest.fixture
def published(writer, editor):
    return briefing_in_state("published", writer, editor)


def report_url(briefing) -> str:
    return f"/briefings/{briefing.slug}/report/"


def file(briefing, **fields) -> ErrorReport:
    return ErrorReport.objects.create(briefing=briefing, **{**GOOD, **fields})


# The public form.


def test_the_published_page_carries_a_short_form_and_stays_cacheable(client, published):
    response = client.get(published.get_absolute_url())
    html = response.content.decode()
    assert f'action="{report_url(published)}"' in html
    assert 'method="get"' in html and 'name="passage"' in html
    assert "csrfmiddlewaretoken" not in html and not response.cookies
    ErrorReport.objects.create(briefing=published, **GOOD)
    # Served from the cache: the same bytes, no cookie set for the next reader either.
    again = client.get(published.get_absolute_url())
    assert again.content == response.content and not again.cookies


def test_previews_carry_no_report_form(client, writer, published):
    client.force_login(writer)
    html = client.get(f"/preview/{published.pk}/").content.decode()
    assert report_url(published) not in html


def test_the_report_page_carries_the_quoted_passage_and_a_csrf_token(client, published):
    response = client.get(report_url(published), {"passage": "three times"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in html
    assert "three times</textarea>" in html
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_reader_files_a_report_without_an_account(client, published):
    response = client.post(report_url(published), GOOD)
    assert response.status_code == 200
    assert "Thank you for your report" in response.content.decode()
    report = ErrorReport.objects.get()
    assert (report.briefing, report.passage, report.problem, report.email, report.status) == (
        published,
        GOOD["passage"],
        GOOD["problem"],
        GOOD["email"],
        "new",
    )


def test_the_email_is_optional(client, published):
    client.post(report_url(published), {**GOOD, "email": ""})
    assert ErrorReport.objects.get().email == ""


def test_a_post_without_the_csrf_token_is_refused(published):
    client = Client(enforce_csrf_checks=True)
    assert client.post(report_url(published), GOOD).status_code == 403
    assert not ErrorReport.objects.exists()


def test_a_post_with_the_csrf_token_from_the_report_page_is_filed(published):
    client = Client(enforce_csrf_checks=True)
    client.get(report_url(published))
    token = client.cookies["csrftoken"].value
    response = client.post(report_url(published), {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert ErrorReport.objects.count() == 1


def test_a_filled_honeypot_files_nothing_but_says_thanks(client, published):
    response = client.post(report_url(published), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 200
    assert "Thank you for your report" in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_one_address_is_throttled_and_keeps_what_it_typed(client, published):
    for n in range(reports.REPORTS_PER_WINDOW):
        assert (
            client.post(report_url(published), {**GOOD, "problem": f"No. {n}"}).status_code == 200
        )
    response = client.post(report_url(published), {**GOOD, "problem": "One too many."})
    html = response.content.decode()
    assert response.status_code == 429
    assert "try again in an hour" in html and "One too many." in html
    assert ErrorReport.objects.count() == reports.REPORTS_PER_WINDOW
    # Another address is not held back, and the throttle lives in the cache.
    other = client.post(report_url(published), GOOD, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200
    cache.clear()
    assert client.post(report_url(published), GOOD).status_code == 200


def test_invalid_reports_do_not_count_against_the_throttle(client, published):
    for _ in range(reports.REPORTS_PER_WINDOW + 2):
        client.post(report_url(published), {**GOOD, "problem": ""})
    assert client.post(report_url(published), GOOD).status_code == 200


def test_too_long_input_is_refused_with_a_clear_message_keeping_the_text(client, published):
    response = client.post(
        report_url(published),
        {**GOOD, "passage": "x" * (PASSAGE_MAX_LENGTH + 1), "problem": "Keep me."},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Quote at most {PASSAGE_MAX_LENGTH} characters (you quoted 1001)" in html
    assert "Keep me.</textarea>" in html
    assert not ErrorReport.objects.exists()
    response = client.post(
        report_url(published), {**GOOD, "problem": "y" * (PROBLEM_MAX_LENGTH + 5)}
    )
    assert f"Keep it to {PROBLEM_MAX_LENGTH} characters" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"passage": "", "problem": "", "email": ""},
        {**GOOD, "email": "not an address"},
        {**GOOD, "email": "a" * 300 + "@example.org"},
        {**GOOD, "passage": "nul \x00 byte"},
        {**GOOD, "passage": "<script>alert(1)</script>" * 100},
    ],
    ids=["nothing", "empty", "bad-email", "long-email", "nul", "markup"],
)
def test_bad_input_answers_with_the_form_never_a_500(client, published, data):
    response = client.post(report_url(published), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check the form" in html
    assert "<script>alert(1)" not in html
    assert not ErrorReport.objects.exists()


def test_repeated_fields_take_the_last_value(client, published):
    data = {"passage": ["one", "two"], "problem": ["a", "b"], "website": ["", ""]}
    assert client.post(report_url(published), data).status_code == 200
    assert ErrorReport.objects.values_list("passage", "problem").get() == ("two", "b")


@pytest.mark.parametrize("state", ["draft", "in_review", "changes_requested", "scheduled"])
def test_briefings_readers_cannot_see_take_no_reports(client, writer, editor, state):
    briefing = briefing_in_state(state, writer, editor)
    assert client.get(report_url(briefing)).status_code == 404
    assert client.post(report_url(briefing), GOOD).status_code == 404
    assert not ErrorReport.objects.exists()


def test_a_withdrawn_briefing_takes_no_reports(client, writer, editor):
    briefing = briefing_in_state("withdrawn", writer, editor)
    assert client.get(report_url(briefing)).status_code == 410
    assert client.post(report_url(briefing), GOOD).status_code == 410
    assert not ErrorReport.objects.exists()


def test_an_unknown_address_takes_no_reports(client):
    assert client.post("/briefings/no-such-briefing/report/", GOOD).status_code == 404


def test_the_standards_page_explains_reports_and_shows_the_contact_email(client, settings):
    settings.CONTACT_EMAIL = "desk@news.example"
    standards()
    html = client.get("/standards/").content.decode()
    assert 'id="feedback"' in html and "Report an error" in html
    assert 'href="mailto:desk@news.example"' in html


# The triage queue.


def test_editors_see_the_queue_newest_first_and_filter_it(client, editor, published):
    old = file(published, passage="Old passage", problem="Old problem")
    new = file(published, passage="Newer passage", problem="Newer problem")
    reports.decide(editor, old, "declined")
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert html.index("Newer passage") < html.index("Old passage")
    html = client.get(CHANGELIST, {"status__exact": "declined"}).content.decode()
    assert "Old passage" in html and "Newer passage" not in html
    html = client.get(CHANGELIST, {"q": "Newer"}).content.decode()
    assert "Newer passage" in html and "Old passage" not in html
    html = client.get(CHANGELIST, {"briefing__id__exact": published.pk}).content.decode()
    assert "Newer passage" in html and "Old passage" in html
    assert new.pk


def test_editors_accept_and_decline_from_the_list(
    client, editor, published, mailoutbox, django_capture_on_commit_callbacks
):
    accepted, declined = file(published), file(published, email="")
    other = file(published, email="other@example.org")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "accept", "_selected_action": [accepted.pk]})
        client.post(CHANGELIST, {"action": "decline", "_selected_action": [declined.pk, other.pk]})
    statuses = dict(ErrorReport.objects.values_list("pk", "status"))
    assert statuses == {accepted.pk: "accepted", declined.pk: "declined", other.pk: "declined"}
    # Accepting resolves nothing yet; declining tells the one reader who left an address.
    assert [m.to for m in mailoutbox] == [["other@example.org"]]
    assert "does not need a correction" in mailoutbox[0].body


def test_an_editor_turns_an_accepted_report_into_a_correction_in_one_step(
    client, editor, published, mailoutbox, django_capture_on_commit_callbacks
):
    report = file(published)
    reports.decide(editor, report, "accepted")
    client.force_login(editor)
    change = client.get(f"{CHANGELIST}{report.pk}/change/").content.decode()
    assert f"{CHANGELIST}{report.pk}/correct/" in change

    form = client.get(f"{CHANGELIST}{report.pk}/correct/").content.decode()
    assert "An earlier version of this briefing said “The gate failed three times.”" in form
    assert 'value="correction" selected' in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{CHANGELIST}{report.pk}/correct/",
            {"kind": "correction", "body": "<p>The gate failed twice, not three times.</p>"},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    note = PublicNote.objects.get()
    assert report.public_note == note and report.is_resolved
    assert (note.kind, note.briefing, note.created_by) == ("correction", published, editor)
    assert [m.to for m in mailoutbox] == [[GOOD["email"]]]
    assert "We added a correction" in mailoutbox[0].body

    client.logout()
    assert "The gate failed twice" in client.get(published.get_absolute_url()).content.decode()
    assert "The gate failed twice" in client.get("/corrections/").content.decode()
    # One report, one note: the button is gone and the form refuses a second.
    assert client.get(f"{CHANGELIST}{report.pk}/correct/").status_code == 302  # to log in
    client.force_login(editor)
    assert client.get(f"{CHANGELIST}{report.pk}/correct/").status_code == 403


def test_a_clarification_can_come_from_a_report_but_not_an_update(client, editor, published):
    report = file(published)
    reports.decide(editor, report, "accepted")
    client.force_login(editor)
    url = f"{CHANGELIST}{report.pk}/correct/"
    response = client.post(url, {"kind": "update", "body": "<p>Later news.</p>"})
    assert response.status_code == 200 and not PublicNote.objects.exists()
    client.post(url, {"kind": "clarification", "body": "<p>We meant the east gate.</p>"})
    assert PublicNote.objects.get().kind == "clarification"


def test_an_empty_note_is_refused_and_nothing_is_linked(client, editor, published):
    report = file(published)
    reports.decide(editor, report, "accepted")
    client.force_login(editor)
    response = client.post(
        f"{CHANGELIST}{report.pk}/correct/", {"kind": "correction", "body": "<p> </p>"}
    )
    assert response.status_code == 200
    assert "Write the note readers will see." in response.content.decode()
    report.refresh_from_db()
    assert report.public_note is None and not PublicNote.objects.exists()


def test_a_report_not_yet_accepted_cannot_become_a_correction(client, editor, published):
    report = file(published)
    client.force_login(editor)
    assert client.get(f"{CHANGELIST}{report.pk}/correct/").status_code == 403
    reports.decide(editor, report, "declined")
    assert client.get(f"{CHANGELIST}{report.pk}/correct/").status_code == 403


def test_a_report_on_a_since_withdrawn_briefing_cannot_become_a_correction(
    client, editor, published
):
    from briefings import workflow

    report = file(published)
    reports.decide(editor, report, "accepted")
    workflow.withdraw(editor, published, "Retracted.")
    client.force_login(editor)
    assert client.get(f"{CHANGELIST}{report.pk}/correct/").status_code == 403


# Who may do what, as a matrix.

ROLE_MATRIX = {
    # role: (sees the queue, may accept/decline, may turn a report into a correction)
    "Writers": (True, False, False),
    "Editors": (True, True, True),
    "Standards editors": (False, False, False),
}


@pytest.mark.parametrize("role", ROLE_MATRIX)
def test_who_may_see_decide_and_correct(client, writer, editor, role):
    briefing = briefing_in_state("published", writer, editor)
    user = writer if role == "Writers" else UserFactory(role=role)
    sees, decides, corrects = ROLE_MATRIX[role]
    accepted = file(briefing)
    reports.decide(editor, accepted, "accepted")
    new = file(briefing)
    client.force_login(user)

    assert (client.get(CHANGELIST).status_code == 200) is sees
    client.post(CHANGELIST, {"action": "decline", "_selected_action": [new.pk]})
    client.post(f"{CHANGELIST}{new.pk}/decide/declined/")
    new.refresh_from_db()
    assert (new.status == "declined") is decides

    url = f"{CHANGELIST}{accepted.pk}/correct/"
    assert (client.get(url).status_code == 200) is corrects
    response = client.post(url, {"kind": "correction", "body": "<p>Fixed.</p>"})
    assert (response.status_code == 302) is corrects
    assert PublicNote.objects.filter(kind="correction").exists() is corrects
    if not corrects:
        assert response.status_code in {403, 404}


def test_writers_see_reports_on_their_own_briefings_only(client, writer, editor):
    own = briefing_in_state("published", writer, editor)
    others = briefing_in_state("published", UserFactory(role="Writers"), editor)
    file(own, passage="On my briefing")
    theirs = file(others, passage="On someone else's")
    client.force_login(writer)
    html = client.get(CHANGELIST).content.decode()
    assert "On my briefing" in html and "On someone else" not in html
    assert client.get(f"{CHANGELIST}{theirs.pk}/change/").status_code == 302  # not found
    assert client.get(f"{CHANGELIST}{theirs.pk}/correct/").status_code == 404


def test_a_writer_sees_no_correction_button_on_an_accepted_report(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    report = file(briefing)
    reports.decide(editor, report, "accepted")
    client.force_login(writer)
    html = client.get(f"{CHANGELIST}{report.pk}/change/").content.decode()
    assert "Turn into a correction" not in html and "formaction" not in html


def test_reports_cannot_be_added_or_deleted_in_the_admin(client, editor, published):
    report = file(published)
    client.force_login(editor)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{report.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ErrorReport.objects.filter(pk=report.pk).exists()
