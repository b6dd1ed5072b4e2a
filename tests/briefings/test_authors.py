"""Author pages: the published briefings whose live byline names a person, and nothing else."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.template import Context, Template

from briefings import workflow
from briefings.models import Revision
from briefings.views import PAGE_SIZE
from briefings.workflow import make_live
from tests.factories import BriefingFactory, UserFactory, add_children

pytestmark = pytest.mark.django_db


def published(*authors, **kwargs):
    briefing = add_children(BriefingFactory(**kwargs), count=1)
    briefing.authors.set(authors)
    make_live(briefing)
    return briefing


def test_users_get_a_unique_slug_from_the_name_readers_see():
    first = UserFactory(display_name="Ada Lovelace")
    second = UserFactory(display_name="Ada Lovelace")
    nameless = UserFactory(display_name="", first_name="", last_name="", username="ed")
    assert (first.slug, second.slug, nameless.slug) == ("ada-lovelace", "ada-lovelace-2", "ed")
    first.display_name = "Ada King"
    first.save()
    assert first.slug == "ada-lovelace"  # the address stays put


def test_the_migration_fills_slugs_for_existing_users():
    migration = importlib.import_module("newsroom.migrations.0002_user_slug_and_bio")
    users = [UserFactory(display_name="Grace Hopper") for _ in range(2)]
    for user in users:
        get_user_model().objects.filter(pk=user.pk).update(slug=f"before-{user.pk}")
    migration.fill_slugs(global_apps, None)
    assert sorted(
        get_user_model().objects.filter(pk__in=[u.pk for u in users]).values_list("slug", flat=True)
    ) == ["grace-hopper", "grace-hopper-2"]


def test_the_author_page_lists_their_published_briefings_with_name_and_bio(client):
    author = UserFactory(display_name="Mary Somerville", bio="Covers science and the sea.")
    other = UserFactory()
    mine = published(author, headline="Tides explained")
    published(other, headline="Someone else's story")
    draft = BriefingFactory(headline="An unpublished draft")
    draft.authors.add(author)

    response = client.get(f"/authors/{author.slug}/")

    assert response.status_code == 200
    text = response.text
    assert "Mary Somerville" in text and "Covers science and the sea." in text
    assert mine.get_absolute_url() in text
    assert "Someone else" not in text and "An unpublished draft" not in text


def test_the_byline_is_the_live_revisions_not_the_working_copys(client, editor):
    author, newcomer = UserFactory(), UserFactory()
    briefing = published(author, headline="Live under the first byline")
    briefing.authors.set([newcomer])  # an edit readers do not see yet

    assert client.get(f"/authors/{author.slug}/").status_code == 200
    assert client.get(f"/authors/{newcomer.slug}/").status_code == 404

    make_live(briefing)
    assert list(Revision.objects.get(pk=briefing.live_revision_id).byline.all()) == [newcomer]
    assert client.get(f"/authors/{newcomer.slug}/").status_code == 200


def test_no_author_page_without_a_published_briefing(client, editor):
    staff = UserFactory()
    assert client.get(f"/authors/{staff.slug}/").status_code == 404
    assert client.get("/authors/nobody-here/").status_code == 404

    draft = BriefingFactory()
    draft.authors.add(staff)
    assert client.get(f"/authors/{staff.slug}/").status_code == 404

    withdrawn = published(staff)
    workflow.withdraw(editor, withdrawn, "The source retracted it.")
    assert client.get(f"/authors/{staff.slug}/").status_code == 404


def test_the_author_page_is_paginated(client):
    author = UserFactory()
    for _ in range(PAGE_SIZE + 1):
        published(author)
    first = client.get(f"/authors/{author.slug}/")
    second = client.get(f"/authors/{author.slug}/?page=2")
    assert first.text.count('class="card"') == PAGE_SIZE
    assert second.text.count('class="card"') == 1
    assert client.get(f"/authors/{author.slug}/?page=3").status_code == 404


def test_byline_links_name_each_author_page():
    first, second = UserFactory(display_name="Ann Writer"), UserFactory(display_name="Bo Other")
    briefing = published(first, second)
    page = Revision.objects.get(pk=briefing.live_revision_id).snapshot
    html = Template(
        "{% load authors %}{% for name, url in page.byline|byline_links %}"
        "<a href='{{ url }}'>{{ name }}</a>{% endfor %}"
    ).render(Context({"page": page}))
    assert html == (
        f"<a href='/authors/{first.slug}/'>Ann Writer</a>"
        f"<a href='/authors/{second.slug}/'>Bo Other</a>"
    )


def test_the_migration_copies_stored_bylines_to_revisions():
    migration = importlib.import_module("briefings.migrations.0020_revision_byline")
    author = UserFactory()
    briefing = published(author)
    Revision.byline.through.objects.all().delete()
    migration.fill_bylines(global_apps, None)
    assert list(Revision.objects.get(pk=briefing.live_revision_id).byline.all()) == [author]


def test_editors_of_users_set_the_bio_and_slug_in_the_user_admin(client):
    admin = UserFactory(is_superuser=True)
    author = UserFactory(display_name="Ann Writer")
    client.force_login(admin)
    url = f"/admin/newsroom/user/{author.pk}/change/"
    page = client.get(url)
    assert 'name="bio"' in page.text and 'name="slug"' in page.text

    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data |= {
        "date_joined_0": author.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": author.date_joined.strftime("%H:%M:%S"),
        "bio": "Writes about trams.",
        "slug": "ann",
    }
    data.pop("date_joined")
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    author.refresh_from_db()
    assert (author.bio, author.slug) == ("Writes about trams.", "ann")
