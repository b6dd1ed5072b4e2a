from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sources.models import Feed, Outlet
from sources.opml import OpmlError, export_opml, read_opml
from tests.factories import FeedFactory, OutletFactory

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db


def import_file(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_opml", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_opml_creates_feeds_and_outlets_from_a_feed_reader_export():
    observer = OutletFactory(name="Ridgeway Observer", homepage="https://observer.example/")
    out, err = import_file(str(FIXTURES / "subscriptions.opml"))
    assert "Imported 3 feed(s); 0 already known, 1 skipped, 2 new outlet(s)." in out
    assert "ftp://files.example/feed.xml: not an http(s) address" in err
    feeds = {feed.url: feed for feed in Feed.objects.select_related("outlet")}
    assert feeds["https://observer.example/feed.atom"].outlet == observer  # matched by host
    courier = feeds["https://courier.example/feed.xml"]
    assert (courier.outlet.name, courier.outlet.slug) == ("Lakeside Courier", "lakeside-courier")
    assert courier.outlet.homepage == "https://courier.example/"
    almanac = feeds["https://almanac.example/index.rdf"].outlet
    assert (almanac.name, almanac.homepage) == ("Valley Almanac", "https://almanac.example/")
    assert all(feed.is_active for feed in feeds.values())


def test_import_opml_twice_leaves_existing_feeds_alone():
    import_file(str(FIXTURES / "subscriptions.opml"))
    out, _ = import_file(str(FIXTURES / "subscriptions.opml"), "--inactive")
    assert "Imported 0 feed(s); 3 already known" in out
    assert Feed.objects.count() == 3
    assert Outlet.objects.count() == 3


def test_import_opml_into_one_outlet_switched_off():
    outlet = OutletFactory(slug="wire")
    import_file(str(FIXTURES / "subscriptions.opml"), "--outlet", "wire", "--inactive")
    assert set(Feed.objects.values_list("outlet", "is_active")) == {(outlet.pk, False)}
    assert Outlet.objects.count() == 1


def test_import_opml_refuses_what_is_not_opml(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes((FIXTURES / "rss2.xml").read_bytes())
    with pytest.raises(CommandError, match="Not an OPML file"):
        import_file(str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        import_file(str(tmp_path / "missing.opml"))
    with pytest.raises(OpmlError, match="declares XML entities"):
        read_opml((FIXTURES / "billion_laughs.xml").read_bytes())


def test_export_then_import_recreates_the_same_feeds_and_outlets(tmp_path):
    harbour = OutletFactory(name="Harbour & Co", homepage="https://harbour.example/")
    FeedFactory(outlet=harbour, url="https://harbour.example/a.xml", title="A")
    FeedFactory(outlet=harbour, url="https://harbour.example/b.xml", title="B", is_active=False)
    path = tmp_path / "feeds.opml"
    call_command("export_opml", "--output", str(path), stderr=StringIO())
    entries = read_opml(path.read_bytes())
    assert [(e.url, e.title, e.outlet_name, e.homepage) for e in entries] == [
        ("https://harbour.example/a.xml", "A", "Harbour & Co", "https://harbour.example/"),
        ("https://harbour.example/b.xml", "B", "Harbour & Co", "https://harbour.example/"),
    ]
    Feed.objects.all().delete()
    harbour.delete()
    import_file(str(path))
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Harbour & Co"]
    assert Feed.objects.count() == 2


def test_export_opml_active_only_to_stdout():
    FeedFactory(url="https://on.example/feed.xml")
    FeedFactory(url="https://off.example/feed.xml", is_active=False)
    out = StringIO()
    call_command("export_opml", "--active", stdout=out)
    assert '<opml version="2.0">' in out.getvalue()
    assert "https://on.example/feed.xml" in out.getvalue()
    assert "off.example" not in out.getvalue()
    assert export_opml(Feed.objects.none()).startswith(b"<?xml version='1.0' encoding='utf-8'?>")
