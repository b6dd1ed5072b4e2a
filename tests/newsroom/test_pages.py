"""Public pages written as files for the front server (newsroom/pages.py), on a real directory.

A test reads what nginx would send for an address: ROOT/current/<path>/index.html, the same
lookup as the server block in bench/nginx.conf.template and docs/operations.md.
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from briefings import workflow
from briefings.models import Briefing
from newsroom import pages
from tests.factories import briefing_in_state, standards

pytestmark = pytest.mark.django_db

ROOT_DIR = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT_DIR / "bench" / "nginx.conf.template"


@pytest.fixture
def root(settings, tmp_path):
    settings.PUBLIC_PAGES_ROOT = str(tmp_path / "pages")
    return tmp_path / "pages"


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what a workflow call leaves for after its commit, as production does, before the
    call returns to the test."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def served(root: Path, path: str) -> bytes | None:
    """What nginx sends for ``path`` from the pages root, or None (it asks Django)."""
    file = root / "current" / path.lstrip("/") / "index.html"
    return file.read_bytes() if file.is_file() else None


def generations(root: Path) -> list[str]:
    return sorted(
        entry.name for entry in root.iterdir() if entry.is_dir() and not entry.is_symlink()
    )


def published(commits, writer, editor, **kwargs) -> Briefing:
    briefing = briefing_in_state("draft", writer, editor, **kwargs)
    workflow.submit_for_review(writer, briefing)
    commits(workflow.publish, editor, briefing)
    briefing.refresh_from_db()
    return briefing


def test_publication_writes_the_page_django_serves_anonymously(
    root, commits, client, writer, editor
):
    standards()
    briefing = published(commits, writer, editor, headline="Harbour wall repaired")
    url = briefing.get_absolute_url()
    topic_url = briefing.live_revision.topic.get_absolute_url()
    author_url = f"/authors/{writer.slug}/"

    written = {path: served(root, path) for path in ["/", url, topic_url, author_url]}
    assert all(written.values()), [path for path, page in written.items() if not page]
    assert b"Harbour wall repaired" in written[url]
    for path, page in written.items():
        response = client.get(path)
        assert response.status_code == 200
        assert response.content == page, path
    assert os.stat(root / "current" / "index.html").st_mode & 0o777 == 0o644  # nginx reads it
    assert served(root, "/sources/") is None  # written when a reader first asks


def test_a_page_rendered_on_request_is_written_for_the_next_reader(
    root, client, commits, writer, editor
):
    briefing = published(commits, writer, editor)
    assert served(root, "/sources/") is None  # not among the pages written at publication
    response = client.get("/sources/")
    assert served(root, "/sources/") == response.content
    assert served(root, "/standards/") is None  # 404 until the standards are written
    assert client.get("/standards/").status_code == 404
    assert served(root, "/standards/") is None
    assert briefing


def test_no_reader_gets_the_old_page_after_a_correction_publication_or_withdrawal(
    root, commits, client, writer, editor
):
    briefing = published(commits, writer, editor, headline="First headline")
    url = briefing.get_absolute_url()
    assert b"First headline" in served(root, url)

    commits(workflow.add_correction, editor, briefing, "correction", "<p>Noted: two gates.</p>")
    page = served(root, url)
    assert b"Noted: two gates." in page
    assert b"Noted: two gates." in served(root, "/corrections/")

    briefing.refresh_from_db()
    briefing.headline = "Second headline"
    briefing.save()
    workflow.save_working_copy(writer, briefing)
    assert b"First headline" in served(root, url)  # an unpublished edit changes nothing
    workflow.submit_for_review(writer, briefing)
    commits(workflow.publish, editor, briefing)
    for path in [url, "/"]:
        page = served(root, path)
        assert page is None or (b"Second headline" in page and b"First headline" not in page)
    assert b"Second headline" in served(root, url)

    commits(workflow.withdraw, editor, briefing, "The source retracted it.")
    assert served(root, url) is None  # Django answers 410
    assert b"Second headline" not in served(root, "/")
    assert client.get(url).status_code == 410
    assert served(root, url) is None


def test_an_authors_new_name_is_on_their_page_at_once(root, commits, writer, editor):
    briefing = published(commits, writer, editor)
    author_url = f"/authors/{writer.slug}/"
    assert served(root, author_url) and served(root, briefing.get_absolute_url())
    writer.display_name = "Renamed Writer"
    commits(writer.save)
    assert b"Renamed Writer" in served(root, author_url)  # bylines keep the name published
    generation = pages.generation()
    commits(writer.save, update_fields=["last_login"])  # a log-in changes no page
    assert pages.generation() == generation


def test_a_render_that_began_before_a_change_lands_only_in_the_old_generation(
    root, commits, writer, editor
):
    briefing = published(commits, writer, editor, headline="Before the change")
    url = briefing.get_absolute_url()
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    before = pages.generation()
    from briefings.views import detail

    response = detail.__wrapped__(request, slug=briefing.slug)  # rendered before the change
    commits(workflow.add_correction, editor, briefing, "update", "<p>Later news.</p>")
    assert pages.generation() != before

    assert pages.write(request, response, before)  # the slow render finishes now
    assert b"Later news." not in (root / before / url.strip("/") / "index.html").read_bytes()
    assert b"Later news." in served(root, url)


def test_pages_for_signed_in_staff_previews_and_query_strings_are_never_written(
    root, commits, client, writer, editor
):
    briefing = published(commits, writer, editor)
    current = root / "current"
    for file in current.rglob("index.html"):
        file.unlink()
    client.force_login(editor)
    assert client.get("/").status_code == 200
    assert client.get(f"/preview/{briefing.pk}/").status_code == 200
    client.logout()
    assert client.get("/?page=1").status_code == 200
    assert client.get("/corrections/?utm_source=x").status_code == 200
    assert client.head("/corrections/").status_code == 200
    assert client.get(f"/briefings/{briefing.slug}/report/").status_code == 200
    assert client.get("/search/").status_code == 200
    assert list(current.rglob("*.html")) == []


def test_old_generations_are_removed(root, commits, writer, editor):
    briefing = published(commits, writer, editor)
    for n in range(5):
        commits(workflow.add_correction, editor, briefing, "update", f"<p>Update {n}.</p>")
    names = generations(root)
    assert len(names) == 1 + pages.KEEP_PREVIOUS
    assert os.readlink(root / "current") == names[-1]
    assert not [entry for entry in root.iterdir() if entry.name.startswith(".")]


def test_nothing_is_written_without_a_root(settings, tmp_path, commits, client, writer, editor):
    settings.PUBLIC_PAGES_ROOT = ""
    published(commits, writer, editor)
    assert client.get("/").status_code == 200
    assert pages.generation() is None
    assert not list(tmp_path.rglob("index.html"))


def test_an_unwritable_root_costs_readers_nothing(
    settings, tmp_path, commits, client, writer, editor, caplog
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.PUBLIC_PAGES_ROOT = str(blocker / "pages")
    briefing = published(commits, writer, editor, headline="Still served")
    response = client.get(briefing.get_absolute_url())
    assert response.status_code == 200 and b"Still served" in response.content
    assert any("public pages" in record.getMessage() for record in caplog.records)


def test_a_path_with_dot_segments_is_never_a_file(root):
    base = Path(root)
    assert pages._file_for(base, "g", "/briefings/../../etc/") is None
    assert pages._file_for(base, "g", "/briefings/x") is None
    assert pages._file_for(base, "g", "//x/") is None
    assert pages._file_for(base, "g", "/") == base / "g" / "index.html"


def nginx_headers(text: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*add_header ([\w-]+) "(.*)" always;$', text, re.M))


def test_the_front_server_sends_the_headers_django_sends_with_a_page(
    client, commits, writer, editor
):
    briefing = published(commits, writer, editor)
    response = client.get(briefing.get_absolute_url())
    template = TEMPLATE.read_text()
    expected = nginx_headers(template)
    # Everything Django adds but the length and type, which nginx sets for the file itself.
    django = {
        name: value
        for name, value in response.headers.items()
        if name not in {"Content-Length", "Content-Type"}
    }
    assert expected == django
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "charset utf-8;" in template

    # docs/operations.md shows the same block (plus HSTS, which Django sends over HTTPS).
    block = template.split("# BEGIN pages")[1].split("# END pages")[0]
    documented = (ROOT_DIR / "docs" / "operations.md").read_text()
    assert nginx_headers(block).items() <= nginx_headers(documented).items()
    assert "try_files $newsroom_page @django;" in documented
