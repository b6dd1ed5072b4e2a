"""Ordering a briefing's parts in the admin: the page posts a position for every row (hidden
from the user, set by dragging or the Move buttons), and every save numbers the kept rows
1..n in the order posted, whatever was deleted, added, or sent with gaps or duplicates."""

import pytest

from briefings.models import Briefing
from tests.factories import briefing_in_state, change_form_data, complete_briefing

pytestmark = pytest.mark.django_db


@pytest.fixture
def briefing(writer):
    return complete_briefing(writer)  # takeaways 1, 2, 3 and one section


def change_path(briefing) -> str:
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


def stored(briefing) -> list[tuple[int, str]]:
    return list(briefing.takeaways.order_by("position").values_list("position", "text"))


def new_row(index: int, text: str, position: str) -> dict:
    return {
        f"takeaways-{index}-text": text,
        f"takeaways-{index}-position": position,
        f"takeaways-{index}-briefing": "",
        f"takeaways-{index}-id": "",
    }


def save(client, briefing, data):
    response = client.post(change_path(briefing), data)
    assert response.status_code == 302, response.text
    return response


def test_deleting_adding_and_reordering_at_once_gives_1_to_n_in_the_order_shown(
    client, writer, briefing
):
    client.force_login(writer)
    # Shown order: new "Fresh", Takeaway 3, Takeaway 1; Takeaway 2 marked for deletion.
    data = change_form_data(
        briefing,
        **{
            "takeaways-TOTAL_FORMS": "4",
            "takeaways-0-position": "3",  # Takeaway 1
            "takeaways-1-position": "4",  # Takeaway 2, deleted
            "takeaways-1-DELETE": "on",
            "takeaways-2-position": "2",  # Takeaway 3
            **new_row(3, "Fresh", "1"),
        },
    )

    save(client, briefing, data)

    assert stored(briefing) == [(1, "Fresh"), (2, "Takeaway 3"), (3, "Takeaway 1")]
    briefing.refresh_from_db()
    assert briefing.version == 2  # a reorder is an edit: the version moves on


def test_a_reorder_alone_is_saved_as_a_change(client, writer, briefing):
    client.force_login(writer)
    data = change_form_data(
        briefing,
        **{"takeaways-0-position": "2", "takeaways-1-position": "1"},
    )

    save(client, briefing, data)

    assert stored(briefing) == [(1, "Takeaway 2"), (2, "Takeaway 1"), (3, "Takeaway 3")]
    briefing.refresh_from_db()
    assert briefing.version == 2


def test_positions_with_gaps_are_closed_up(client, writer, briefing):
    client.force_login(writer)
    data = change_form_data(
        briefing,
        **{
            "takeaways-0-position": "40",
            "takeaways-1-position": "7",
            "takeaways-2-position": "900",
        },
    )

    save(client, briefing, data)

    assert stored(briefing) == [(1, "Takeaway 2"), (2, "Takeaway 1"), (3, "Takeaway 3")]


def test_duplicate_positions_keep_the_order_the_rows_came_in(client, writer, briefing):
    client.force_login(writer)
    data = change_form_data(
        briefing,
        **{
            "takeaways-TOTAL_FORMS": "4",
            "takeaways-0-position": "2",
            "takeaways-1-position": "2",
            "takeaways-2-position": "1",
            **new_row(3, "Also first", "1"),
        },
    )

    save(client, briefing, data)

    assert stored(briefing) == [
        (1, "Takeaway 3"),
        (2, "Also first"),
        (3, "Takeaway 1"),
        (4, "Takeaway 2"),
    ]


def test_rows_without_a_position_go_last(client, writer, briefing):
    """A row added and never moved posts its empty-form position (0) or none at all."""
    client.force_login(writer)
    data = change_form_data(
        briefing,
        **{
            "takeaways-TOTAL_FORMS": "5",
            "takeaways-0-position": "3",
            "takeaways-2-position": "1",
            **new_row(3, "Added first", "0"),
            **new_row(4, "Added second", ""),
        },
    )

    save(client, briefing, data)

    assert stored(briefing) == [
        (1, "Takeaway 3"),
        (2, "Takeaway 2"),
        (3, "Takeaway 1"),
        (4, "Added first"),
        (5, "Added second"),
    ]


def test_a_blank_added_row_numbered_by_a_reorder_is_left_out_not_refused(client, writer, briefing):
    """Reordering numbers every row on the page, the empty one just added included: that
    number alone does not make the row something to save (or to refuse for its empty text)."""
    client.force_login(writer)
    data = change_form_data(
        briefing,
        **{
            "takeaways-TOTAL_FORMS": "4",
            "takeaways-0-position": "2",
            "takeaways-1-position": "1",
            **new_row(3, "", "4"),
        },
    )

    save(client, briefing, data)

    assert stored(briefing) == [(1, "Takeaway 2"), (2, "Takeaway 1"), (3, "Takeaway 3")]


def test_every_ordered_part_is_renumbered(client, writer, briefing):
    client.force_login(writer)
    for n in (1, 2):
        briefing.qa_blocks.create(position=n * 10, question=f"Question {n}")
        briefing.citations.create(position=n, title=f"Source {n}", url=f"https://example.org/{n}")
    briefing.sections.create(position=2, heading="Why it matters")
    data = change_form_data(
        briefing,
        **{
            "sections-0-position": "2",
            "sections-1-position": "1",
            "qa_blocks-0-position": "5",
            "qa_blocks-1-position": "5",
            "citations-0-position": "9",
            "citations-1-position": "3",
        },
    )

    save(client, briefing, data)

    assert list(briefing.sections.values_list("position", "heading")) == [
        (1, "Why it matters"),
        (2, "What happened"),
    ]
    assert list(briefing.qa_blocks.values_list("position", "question")) == [
        (1, "Question 1"),
        (2, "Question 2"),
    ]
    assert list(briefing.citations.values_list("position", "title")) == [
        (1, "Source 2"),
        (2, "Source 1"),
    ]


def test_a_refused_save_keeps_the_order_and_changes_nothing(client, writer, briefing):
    client.force_login(writer)
    data = change_form_data(
        briefing,
        dek="x" * 400,  # over its limit
        **{"takeaways-0-position": "3", "takeaways-2-position": "1"},
    )

    response = client.post(change_path(briefing), data)

    assert response.status_code == 200
    assert "Nothing was saved" in response.text
    assert stored(briefing) == [(1, "Takeaway 1"), (2, "Takeaway 2"), (3, "Takeaway 3")]
    assert 'name="takeaways-0-position" value="3"' in response.text


def test_the_position_is_posted_but_never_shown_to_type_in(client, writer, briefing):
    client.force_login(writer)
    html = client.get(change_path(briefing)).text

    assert (
        '<input type="hidden" name="takeaways-0-position" value="1" data-order-item="takeaway"'
        in html
    )
    for prefix, name in [
        ("sections", "section"),
        ("qa_blocks", "Q&amp;A block"),
        ("notes", "editor&#x27;s note"),
        ("citations", "citation"),
    ]:
        assert f'name="{prefix}-__prefix__-position" value="0" data-order-item="{name}"' in html
    assert 'type="number" name="takeaways-0-position"' not in html
    assert "admin-extra/ordering.js" in html


def test_a_read_only_briefing_shows_no_positions(client, writer, editor):
    in_review = briefing_in_state("in_review", writer, editor)
    client.force_login(writer)

    html = client.get(change_path(in_review)).text

    assert "Takeaway 1" in html
    assert "column-position" not in html
    assert "field-position" not in html
    assert Briefing.objects.get(pk=in_review.pk).status == Briefing.Status.IN_REVIEW
