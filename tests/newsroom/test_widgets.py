"""The admin's rich-text editor offers what the sanitizer keeps, and stands in for every rich
text in a briefing's parts, new rows included. It working in a browser is proved in
tests/e2e/test_rich_text_browser.py."""

import base64
import hashlib
import json
import re
from pathlib import Path

import django_prose_editor
import pytest
from django.conf import settings
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from briefings.models import EditorsNote, QABlock
from newsroom.sanitize import ALLOWED_TAGS
from newsroom.widgets import EDITOR_EXTENSIONS
from tests.factories import complete_briefing


def test_the_editor_offers_exactly_the_tags_the_sanitizer_keeps():
    allowed = allowlist_from_extensions(expand_extensions(EDITOR_EXTENSIONS))
    assert allowed["tags"] == ALLOWED_TAGS


def test_the_policy_allows_the_editors_own_stylesheet_and_no_other_inline_style():
    """Tiptap adds a fixed <style> element that cannot carry the nonce; the policy lists its
    hash. A new django-prose-editor may change that stylesheet: then update
    TIPTAP_STYLE_HASH in newsroom/settings.py to the hash this test prints."""
    script = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    styles = re.findall(r"`(\.ProseMirror \{.*?)`", script.read_text(), re.DOTALL)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.TIPTAP_STYLE_HASH
    assert settings.SECURE_CSP["style-src"][-1] == settings.TIPTAP_STYLE_HASH


@pytest.mark.django_db
def test_section_bodies_answers_and_notes_get_the_editor_in_new_rows_too(client, writer):
    briefing = complete_briefing(writer)
    QABlock.objects.create(briefing=briefing, position=1, question="Why?", answer="<p>So.</p>")
    EditorsNote.objects.create(briefing=briefing, position=1, body="<p>A note.</p>")
    client.force_login(writer)

    response = client.get(f"/admin/briefings/briefing/{briefing.pk}/change/")
    page = response.content.decode()

    for textarea in [
        "sections-0-body",
        "sections-__prefix__-body",  # the row "Add another Section" copies
        "qa_blocks-0-answer",
        "qa_blocks-__prefix__-answer",
        "notes-0-body",
        "notes-__prefix__-body",
    ]:
        tag = re.search(rf'<textarea[^>]*id="id_{textarea}"[^>]*>', page).group(0)
        config = json.loads(
            re.search(r"data-django-prose-editor-configurable=\"([^\"]*)\"", tag)
            .group(1)
            .replace("&quot;", '"')
        )
        assert set(EDITOR_EXTENSIONS) <= set(config["extensions"]), textarea
    # The import map is an inline script: it carries the response's nonce.
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    importmap = re.search(r'<script type="importmap"[^>]*>', page).group(0)
    assert f'nonce="{nonce}"' in importmap
