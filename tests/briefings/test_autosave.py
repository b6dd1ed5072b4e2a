"""Autosave: the change form posted in the background with "_autosave" is saved exactly as a
manual save would be (version check, permissions, validation), and answers in JSON with what
the page needs to go on: the new version and the ids of the rows it added."""

import pytest

from briefings.models import Briefing, Revision, Takeaway
from tests.factories import UserFactory, briefing_in_state, change_form_data, complete_briefing

pytestmark = pytest.mark.django_db


def change_url(briefing) -> str:
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


def autosave(client, briefing, data):
    return client.post(change_url(briefing), {**data, "_autosave": "1"})


def with_new_takeaway(data: dict, text: str) -> dict:
    """``data`` with a takeaway row added in the page (an "extra" form, no id)."""
    index = int(data["takeaways-TOTAL_FORMS"])
    return {
        **data,
        "takeaways-TOTAL_FORMS": str(index + 1),
        f"takeaways-{index}-id": "",
        f"takeaways-{index}-briefing": str(data["_briefing"]),
        f"takeaways-{index}-position": "0",  # the empty row's default
        f"takeaways-{index}-text": text,
    }


def form_data(briefing, **fields) -> dict:
    return {**change_form_data(briefing, **fields), "_briefing": briefing.pk}


def test_an_autosave_saves_the_form_and_answers_with_the_new_version(client, writer):
    briefing = complete_briefing(writer)
    before = briefing.version
    client.force_login(writer)

    response = autosave(client, briefing, form_data(briefing, headline="Typed, then a pause"))

    assert response.status_code == 200
    answer = response.json()
    briefing.refresh_from_db()
    assert briefing.headline == "Typed, then a pause"
    assert answer["saved"] is True
    assert answer["version"] == briefing.version == before + 1
    assert len(answer["saved_at"]) == 5  # "14:02"
    assert briefing.revisions.get().kind == Revision.Kind.DRAFT
    # No "changed successfully" message waits for the next page.
    page = client.get(change_url(briefing)).content.decode()
    assert "was changed successfully" not in page


def test_a_save_after_an_autosave_with_the_version_it_answered_does_not_conflict(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = form_data(briefing, dek="Autosaved dek.")
    version = autosave(client, briefing, data).json()["version"]

    response = client.post(
        change_url(briefing), {**data, "dek": "Saved by hand.", "version": str(version)}
    )

    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.dek == "Saved by hand."


def test_an_autosave_on_a_stale_version_is_refused_and_overwrites_nothing(client, writer):
    briefing = complete_briefing(writer)
    stale = form_data(briefing, dek="Typed in the tab opened first.")
    client.force_login(writer)
    client.post(change_url(briefing), form_data(briefing, dek="Saved in another tab."))

    response = autosave(client, briefing, stale)

    assert response.status_code == 409
    answer = response.json()
    assert answer["saved"] is False and answer["conflict"] is True
    assert answer["reason"].startswith("someone else saved this briefing after you opened it")
    assert answer["current"] == change_url(briefing)
    briefing.refresh_from_db()
    assert briefing.dek == "Saved in another tab."


def test_an_autosave_of_a_form_with_errors_saves_nothing_and_lists_them(client, writer):
    briefing = complete_briefing(writer)
    before = (briefing.version, briefing.dek)
    client.force_login(writer)

    response = autosave(client, briefing, form_data(briefing, dek="A new dek. " * 40))

    assert response.status_code == 400
    answer = response.json()
    assert answer == {
        "saved": False,
        "reason": "fix the errors",
        "errors": [{"field": "id_dek", "label": "Dek", "message": answer["errors"][0]["message"]}],
    }
    assert "at most 300 characters" in answer["errors"][0]["message"]
    briefing.refresh_from_db()
    assert (briefing.version, briefing.dek) == before


def test_a_row_added_then_autosaved_is_not_added_again_by_the_next_save(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = with_new_takeaway(form_data(briefing), "A fourth takeaway.")
    index = int(data["takeaways-TOTAL_FORMS"]) - 1

    answer = autosave(client, briefing, data).json()
    assert answer["saved"], answer

    added = Takeaway.objects.get(briefing=briefing, text="A fourth takeaway.")
    assert answer["rows"] == {f"takeaways-{index}": added.pk}
    # The page fills in the id and the version, and saves by hand (the row still an added one).
    data |= {f"takeaways-{index}-id": str(added.pk), "version": str(answer["version"])}
    data[f"takeaways-{index}-text"] = "A fourth takeaway, reworded."
    response = client.post(change_url(briefing), data)

    assert response.status_code == 302
    texts = list(briefing.takeaways.order_by("position").values_list("text", flat=True))
    assert texts[-1] == "A fourth takeaway, reworded."
    assert texts.count("A fourth takeaway, reworded.") == 1 and len(texts) == 4
    assert Takeaway.objects.get(pk=added.pk).text == "A fourth takeaway, reworded."


def test_an_autosaved_row_removed_in_the_page_is_deleted_by_the_next_save(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = with_new_takeaway(form_data(briefing), "A takeaway the writer thinks better of.")
    answer = autosave(client, briefing, data).json()

    # The row's remove link takes it out of the page: the form goes back to three rows.
    index = int(data["takeaways-TOTAL_FORMS"]) - 1
    again = {k: v for k, v in data.items() if not k.startswith(f"takeaways-{index}-")}
    again["takeaways-TOTAL_FORMS"] = str(index)
    response = client.post(change_url(briefing), {**again, "version": str(answer["version"])})

    assert response.status_code == 302
    assert briefing.takeaways.count() == 3
    assert not Takeaway.objects.filter(text="A takeaway the writer thinks better of.").exists()


def test_an_id_of_another_briefings_row_in_an_added_form_is_not_taken_over(client, writer):
    briefing = complete_briefing(writer)
    other = complete_briefing(writer)
    theirs = other.takeaways.first()
    client.force_login(writer)
    data = with_new_takeaway(form_data(briefing), "Mine.")
    index = int(data["takeaways-TOTAL_FORMS"]) - 1
    data[f"takeaways-{index}-id"] = str(theirs.pk)

    autosave(client, briefing, data)

    theirs.refresh_from_db()
    assert theirs.briefing_id == other.pk and theirs.text != "Mine."
    assert briefing.takeaways.filter(text="Mine.").exists()


def test_a_ticked_delete_is_reported_so_the_page_can_hide_the_row(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = form_data(briefing)
    data["takeaways-2-DELETE"] = "on"

    answer = autosave(client, briefing, data).json()

    assert answer["deleted"] == ["takeaways-2"]
    assert briefing.takeaways.count() == 2
    # The row stays in the page, ticked: the next save does not stumble on it.
    response = client.post(change_url(briefing), {**data, "version": str(answer["version"])})
    assert response.status_code == 302
    assert briefing.takeaways.count() == 2


def test_autosave_checks_permissions_like_a_save(client, writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    client.force_login(writer)  # a writer cannot edit a briefing in review
    response = autosave(client, briefing, form_data(briefing, dek="Sneaked in."))
    assert response.status_code == 403
    client.force_login(UserFactory(role="Writers"))  # another writer does not see it at all
    assert autosave(client, briefing, form_data(briefing, dek="Sneaked in.")).status_code == 404
    briefing.refresh_from_db()
    assert briefing.dek != "Sneaked in."


def test_an_autosave_never_takes_a_workflow_action(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = {**form_data(briefing, dek="Autosaved."), "_transition": "submit"}

    response = autosave(client, briefing, data)

    assert response.status_code == 400
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.DRAFT and briefing.dek != "Autosaved."
