"""Public pages written as files for the front server (newsroom/pages.py), on a real directory.

A test reads what nginx would send for an address: ROOT/current/<path>/index.html, the same
lookup as the server block in bench/nginx.conf.template and docs/operations.md.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from briefings import workflow
from briefings.models import Briefing
from newsroom import pages
from tests.factories import briefing_in_state, standards
from tests.newsroom.test_cache import free_port

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


def test_a_deleted_briefing_is_not_served(root, commits, writer, editor):
    briefing = published(commits, writer, editor)
    url = briefing.get_absolute_url()
    assert served(root, url)
    commits(briefing.delete)
    assert served(root, url) is None


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


def test_a_failing_list_of_pages_never_fails_the_publication(root, commits, writer, editor, caplog):
    def broken():
        raise RuntimeError("the list of pages could not be made")

    pages.on_advance(broken)
    try:
        briefing = published(commits, writer, editor)
    finally:
        pages._eager_sources.remove(broken)
    assert briefing.is_live
    assert served(root, briefing.get_absolute_url())  # the other list still wrote its pages
    assert "Could not list the public pages to write" in caplog.text


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
    for line in ["try_files $newsroom_page @django;", "error_page 404 = @django;"]:
        assert line in block and line in documented, line


@pytest.fixture
def front_server():
    """nginx with bench/nginx.conf.template on free ports, in front of a stand-in for
    gunicorn that answers every request with "from django" (the outside world here)."""
    binary = shutil.which("nginx")
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx).")

    class Upstream(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"from django")

        do_POST = do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    # nginx's workers may run as another user, who cannot enter pytest's temporary folders.
    top = Path(tempfile.mkdtemp(prefix="newsroom-front-"))
    top.chmod(0o755)
    workdir, pages_root = top / "nginx", top / "pages"
    (workdir / "plain").mkdir(parents=True)
    ports = {"PORT": free_port(), "PLAIN_PORT": free_port()}
    config = TEMPLATE.read_text()
    for name, value in {
        "WORKDIR": workdir,
        "PAGES_ROOT": pages_root,
        "GUNICORN_PORT": upstream.server_port,
        **ports,
    }.items():
        config = config.replace(f"@{name}@", str(value))
    (workdir / "nginx.conf").write_text(config)
    process = subprocess.Popen(
        [binary, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", "stderr"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", ports["PORT"]), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("nginx did not start with bench/nginx.conf.template")
                time.sleep(0.05)
        yield pages_root, ports["PORT"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        shutil.rmtree(top)


def fetch(port, path, method="GET", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        fetch.headers = dict(response.getheaders())
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def test_the_front_server_sends_written_pages_to_anonymous_readers_only(front_server, settings):
    pages_root, port = front_server
    settings.PUBLIC_PAGES_ROOT = str(pages_root)
    name = pages.generation()
    for path in ["/", "/briefings/harbour/"]:
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        page = HttpResponse(f"<p>written {path}</p>".encode())
        assert pages.write(request, page, name)

    assert fetch(port, "/") == (200, "text/html; charset=utf-8", b"<p>written /</p>")
    # No validators, as from Django: browsers must not keep the page on their own.
    assert "Last-Modified" not in fetch.headers and "ETag" not in fetch.headers
    assert fetch.headers["X-Frame-Options"] == "DENY"
    written = fetch(port, "/briefings/harbour/")
    assert written[2] == b"<p>written /briefings/harbour/</p>"
    assert fetch(port, "/briefings/harbour/", "HEAD")[0] == 200
    for path, method, headers in [
        ("/briefings/harbour/?page=2", "GET", {}),
        ("/briefings/harbour/", "GET", {"Cookie": "csrftoken=a; sessionid=abc"}),
        ("/briefings/harbour/", "POST", {}),
        ("/briefings/harbour", "GET", {}),  # Django's slash redirect
        ("/briefings/other/", "GET", {}),  # not written yet
        ("/briefings/harbour/index.html", "GET", {}),
    ]:
        assert fetch(port, path, method, headers)[2] == b"from django", (path, method, headers)
    assert fetch(port, "/", headers={"Cookie": "csrftoken=a"})[2] == b"<p>written /</p>"

    pages.advance()  # a change: the new generation is empty until pages are written into it
    assert fetch(port, "/briefings/harbour/")[2] == b"from django"
