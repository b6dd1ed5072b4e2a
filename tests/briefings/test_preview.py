"""Previews: drafts and proposed changes through the public template, for the people
reviewing them, and share links for someone without an account."""

from datetime import timedelta

import pytest
from django.utils import timezone

from briefings.models import PreviewLink
from tests.factories import UserFactory, briefing_in_state

pytestmark = pytest.mark.django_db

# What django.views.decorators.cache.never_cache sends: no browser or proxy keeps a preview.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def test_authors_and_editors_preview_a_draft_with_a_banner(client, writer, editor):
    draft = briefing_in_state("draft", writer, editor)
    for user in (writer, editor):
        client.force_login(user)
        response = client.get(f"/preview/{draft.pk}/")
        page = response.content.decode()
        assert response.status_code == 200
        assert 'class="preview-banner"' in page
        assert draft.headline in page and "First version." in page
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Cache-Control"] == NEVER_CACHE


def test_a_preview_is_never_shown_anonymously_or_to_another_writer(client, writer, editor):
    draft = briefing_in_state("draft", writer, editor)
    response = client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(role="Writers"))
    assert client.get(f"/preview/{draft.pk}/").status_code == 404


def test_a_proposed_change_previews_while_readers_see_the_live_text(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    client.force_login(writer)
    page = client.get(f"/preview/{briefing.pk}/").content.decode()
    assert "Second version." in page and "proposed changes" in page
    client.logout()
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "First version." in page and "Second version." not in page


def test_an_editor_shares_a_preview_that_works_without_an_account(client, writer, editor):
    draft = briefing_in_state("in_review", writer, editor)
    client.force_login(editor)
    response = client.post(f"/admin/briefings/briefing/{draft.pk}/share/", {"days": "7"})
    assert response.status_code == 302
    link = PreviewLink.objects.get(briefing=draft)
    assert timedelta(days=6) < link.expires_at - timezone.now() <= timedelta(days=7)

    client.logout()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert draft.headline in page and 'class="preview-banner"' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == NEVER_CACHE
    # The link opens nothing else: not the admin, not the draft's own preview URL.
    assert client.get(f"/preview/{draft.pk}/").status_code == 302
    assert client.get(f"/admin/briefings/briefing/{draft.pk}/change/").status_code == 302


def test_an_expired_or_revoked_link_is_refused(client, writer, editor):
    draft = briefing_in_state("draft", writer, editor)
    expired = PreviewLink.objects.create(
        briefing=draft, created_by=editor, expires_at=timezone.now() - timedelta(seconds=1)
    )
    revoked = PreviewLink.objects.create(
        briefing=draft,
        created_by=editor,
        expires_at=timezone.now() + timedelta(days=1),
        revoked_at=timezone.now(),
    )
    for link in (expired, revoked):
        response = client.get(link.get_absolute_url())
        assert response.status_code == 410
        assert draft.headline not in response.content.decode()
    assert client.get("/preview/shared/not-a-token/").status_code == 404


def test_revoking_from_the_admin_stops_the_link(client, writer, editor):
    draft = briefing_in_state("draft", writer, editor)
    link = PreviewLink.objects.create(
        briefing=draft, created_by=editor, expires_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(editor)
    page = client.get(f"/admin/briefings/briefing/{draft.pk}/change/").content.decode()
    assert link.get_absolute_url() in page
    client.post(f"/admin/briefings/briefing/{draft.pk}/share/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_by == editor  # for the activity log
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 410
