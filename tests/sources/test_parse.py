import time
from datetime import UTC, datetime

import pytest

from newsroom.plaintext import html_to_text, truncate
from sources.parse import FeedParseError, parse_feed, refuse_declarations

from .conftest import FIXTURES

BASE = "https://feeds.example/path/feed.xml"


def parse_fixture(name: str, url: str = BASE, content_type: str = "application/xml"):
    return parse_feed((FIXTURES / name).read_bytes(), url, content_type)


def test_rss2_items_are_read_with_canonical_urls_and_utc_dates():
    feed = parse_fixture("rss2.xml")
    assert feed.title == "Lakeside Courier"
    assert [entry.url for entry in feed.entries] == [
        "https://courier.example/stories/electric-ferry?id=7",
        "https://courier.example/stories/market-hall",
        "https://courier.example/stories/boathouse",
    ]
    ferry, market, boathouse = feed.entries
    assert ferry.guid == "courier-101"
    assert ferry.author == "Ola Fenn"
    assert ferry.published_at == datetime(2025, 6, 10, 7, 30, tzinfo=UTC)
    assert market.published_at == datetime(2025, 6, 10, 3, 15, tzinfo=UTC)
    assert boathouse.published_at is None


def test_summaries_become_plain_text_without_scripts():
    ferry = parse_fixture("rss2.xml").entries[0]
    assert ferry.clean_summary() == "The ferry company & the town council agreed on two boats."


def test_atom_entries_are_read_with_html_titles_made_plain():
    feed = parse_fixture("atom.xml")
    road, observatory = feed.entries
    assert road.url == "https://observer.example/news/hill-road"
    assert road.clean_title() == "Hill road closed for resurfacing"
    assert road.clean_summary() == "The road will be closed for three weeks."
    assert road.author == "Priya Lund"
    assert road.published_at == datetime(2025, 6, 10, 4, 30, tzinfo=UTC)
    assert observatory.published_at == datetime(2025, 6, 9, 21, 0, tzinfo=UTC)
    assert observatory.clean_summary() == "Volunteers run the telescope."


def test_rss1_items_are_read():
    feed = parse_fixture("rss1.rdf")
    frost, bees = feed.entries
    assert frost.url == "https://almanac.example/notes/frost"
    assert frost.published_at == datetime(2025, 6, 8, 13, 0, tzinfo=UTC)
    assert frost.author == "Jon Aker"
    assert bees.published_at is None


def test_rss091_with_its_netscape_doctype_is_read():
    feed = parse_fixture("rss091.xml")
    assert [entry.clean_title() for entry in feed.entries] == ["Café at the mill opens on Sundays"]


def test_relative_links_resolve_against_the_feed_address():
    feed = parse_fixture("relative_links.xml")
    assert [entry.url for entry in feed.entries] == [
        "https://feeds.example/stories/rooted",
        "https://feeds.example/path/sibling.html",
    ]


def test_item_with_a_link_that_cannot_be_read_is_skipped_and_the_others_kept():
    body = (
        b'<rss version="2.0"><channel><title>T</title>'
        b"<item><title>Broken</title><link>https://broken.example:99999/story</link></item>"
        b"<item><title>Fine</title><link>https://fine.example/story</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, BASE)
    assert [entry.url for entry in feed.entries] == ["https://fine.example/story"]


def test_html_page_is_not_a_feed():
    expected = r"Not an RSS or Atom feed \(the server sent text/html\)"
    with pytest.raises(FeedParseError, match=expected):
        parse_fixture("page.html", content_type="text/html; charset=utf-8")


def test_truncated_feed_is_malformed_but_keeps_the_complete_items():
    feed = parse_fixture("broken.xml")
    assert feed.problem.startswith("Malformed XML")
    assert [entry.url for entry in feed.entries] == ["https://truncated.example/complete"]


def test_garbage_is_refused():
    with pytest.raises(FeedParseError):
        parse_feed(b"\x89PNG\r\n\x1a\n not xml at all", BASE)


def test_entity_expansion_is_refused_before_parsing_and_quickly():
    started = time.monotonic()
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_fixture("billion_laughs.xml")
    assert time.monotonic() - started < 0.1


def test_external_entities_are_refused():
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_fixture("external_entity.xml")


def test_entity_declarations_in_utf16_are_refused_too():
    body = (FIXTURES / "billion_laughs.xml").read_text().replace('<?xml version="1.0"?>', "")
    with pytest.raises(FeedParseError, match="declares XML entities"):
        refuse_declarations(body.encode("utf-16"))


def hidden_in_utf7(markup: str) -> str:
    """``markup`` as UTF-7 can spell it: no ``<`` or ``>`` byte left."""
    return markup.replace("<", "+ADw-").replace(">", "+AD4-")


ENTITY_FEED = (
    '<!DOCTYPE rss [<!ENTITY big "{big}">]>'
    '<rss version="2.0"><channel><title>T</title><item><title>Item</title>'
    "<link>https://utf7.example/1</link><description>&big;&big;&big;&big;</description>"
    "</item></channel></rss>"
)


def test_entities_hidden_by_a_utf7_declaration_are_refused():
    body = b'<?xml version="1.0" encoding="utf-7"?>' + hidden_in_utf7(ENTITY_FEED).encode()
    assert b"<!ENTITY" not in body
    with pytest.raises(FeedParseError, match="encoding 'utf-7', which is not accepted"):
        parse_feed(body, BASE, "application/rss+xml")


def test_entities_hidden_by_a_utf7_http_charset_are_refused():
    body = hidden_in_utf7(ENTITY_FEED).encode()
    with pytest.raises(FeedParseError, match="HTTP Content-Type names the character encoding"):
        parse_feed(body, BASE, "application/rss+xml; charset=UTF-7")


def test_ebcdic_documents_are_refused():
    body = ('<?xml version="1.0"?>' + ENTITY_FEED).encode("cp037")
    with pytest.raises(FeedParseError, match="encoding 'cp037', which is not accepted"):
        parse_feed(body, BASE, "application/xml")


def test_unknown_encodings_are_refused():
    body = b'<?xml version="1.0" encoding="x-unheard-of"?><rss version="2.0"/>'
    with pytest.raises(FeedParseError, match="'x-unheard-of', which is not accepted"):
        parse_feed(body, BASE, "application/xml")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32", "iso-8859-1", "windows-1252"])
def test_feeds_in_accepted_encodings_are_read_with_their_external_doctype_removed(encoding):
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        '<rss version="0.91"><channel><title>Mill</title><item><title>Café at the mill</title>'
        "<link>https://mill.example/cafe</link></item></channel></rss>"
    )
    feed = parse_feed(text.encode(encoding), BASE, "application/rss+xml")
    assert [entry.clean_title() for entry in feed.entries] == ["Café at the mill"]


def test_latin1_http_charset_is_believed():
    body = '<rss version="2.0"><channel><item><title>Caf\xe9</title>'
    body += "<link>https://latin.example/1</link></item></channel></rss>"
    feed = parse_feed(body.encode("latin-1"), BASE, "text/xml; charset=ISO-8859-1")
    assert feed.entries[0].clean_title() == "Café"


def test_doctype_with_internal_subset_is_refused():
    with pytest.raises(FeedParseError, match="its own DTD"):
        refuse_declarations(b'<?xml version="1.0"?><!DOCTYPE rss [<!ATTLIST x y CDATA "z">]><rss/>')


def test_external_doctype_is_removed_before_parsing():
    body = b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://evil.example/x.dtd"><rss/>'
    assert refuse_declarations(body) == b'<?xml version="1.0" encoding="utf-8"?><rss/>'


def nested(depth: int) -> bytes:
    return b'<rss version="2.0"><channel>' + b"<x>" * depth + b"</x>" * depth + b"</channel></rss>"


def test_deeply_nested_document_is_refused_before_parsing_and_quickly():
    body = nested(200_000)  # 1.4 MB; feedparser needs seconds and hundreds of MB for it
    started = time.monotonic()
    with pytest.raises(FeedParseError, match="nests elements more than 100 deep"):
        parse_feed(body, BASE)
    assert time.monotonic() - started < 2  # feedparser alone took 10 s and more


def test_deeply_nested_document_is_refused_even_when_malformed():
    # Malformed XML sends feedparser to its lenient parser, which is slower still.
    body = b'<rss version="2.0"><channel>&undefined;' + b"<x>" * 200_000
    with pytest.raises(FeedParseError, match="nests elements more than 100 deep"):
        parse_feed(body, BASE)


def test_document_of_too_many_tags_is_refused_before_parsing_and_quickly():
    body = b'<rss version="2.0"><channel>' + b"<x/>" * 300_000 + b"</channel></rss>"
    started = time.monotonic()
    with pytest.raises(FeedParseError, match="more than 200,000 tags"):
        parse_feed(body, BASE)
    assert time.monotonic() - started < 2  # feedparser alone took 10 s and more


def test_markup_inside_cdata_and_comments_is_not_counted():
    html = "<p>" * 150 + "deep" + "</p>" * 150
    body = (
        '<rss version="2.0"><channel><title>T</title><!-- <a><a><a> --><item>'
        f"<title>Item</title><link>https://cdata.example/1</link>"
        f"<description><![CDATA[{html}]]></description></item></channel></rss>"
    ).encode()
    assert parse_feed(body, BASE).entries[0].clean_summary() == "deep"


def test_body_that_looks_like_a_file_name_is_not_opened():
    with pytest.raises(FeedParseError):
        parse_feed(b"/etc/passwd", BASE)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Fish &amp; chips</p><p>for <b>two</b></p>", "Fish & chips for two"),
        ("AT&T &lt;3", "AT&T <3"),
        ("<script>alert(1)</script><style>p{}</style>Visible", "Visible"),
        ("Line one<br>line two", "Line one line two"),
        ("  plain   text  ", "plain text"),
        ("", ""),
    ],
)
def test_html_becomes_readable_plain_text(html, text):
    assert html_to_text(html) == text


def test_truncate_cuts_at_a_word_with_an_ellipsis():
    assert truncate("one two three four", 12) == "one two…"
    assert len(truncate("x" * 400, 300)) == 300
    assert truncate("short", 10) == "short"
