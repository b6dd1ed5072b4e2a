import time
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from sources.models import Feed, Outlet
from sources.opml import OpmlError, export_opml, import_feeds, read_opml
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


SCRIPTED_OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><body>
  <outline text="Trap" htmlUrl="javascript:alert(document.cookie)">
    <outline type="rss" text="Trap feed" xmlUrl="https://trap.example/feeds/all.xml"/>
  </outline>
  <outline type="rss" text="Sly" xmlUrl="https://sly.example:8443/rss"
           htmlUrl=" JavaScript:alert(1)"/>
  <outline type="rss" text="Script feed" xmlUrl="javascript:alert(2)"
           htmlUrl="https://fine.example/"/>
  <outline type="rss" text="Data" xmlUrl="https://data.example/rss"
           htmlUrl="data:text/html,&lt;script&gt;alert(3)&lt;/script&gt;"/>
</body></opml>
"""


def test_import_opml_refuses_script_homepages_and_uses_the_feeds_site(client, tmp_path):
    path = tmp_path / "trap.opml"
    path.write_bytes(SCRIPTED_OPML)
    out, err = import_file(str(path))
    assert "Imported 3 feed(s); 0 already known, 1 skipped, 3 new outlet(s)." in out
    assert "javascript:alert(2): not an http(s) address" in err
    assert sorted(Outlet.objects.values_list("homepage", flat=True)) == [
        "https://data.example/",
        "https://sly.example:8443/",
        "https://trap.example/",
    ]
    html = client.get(reverse("briefings:outlets")).text
    assert "javascript:" not in html.lower()
    assert "data:" not in html


def test_read_opml_gives_no_homepage_for_a_feed_that_is_not_on_the_web():
    opml = b'<opml><body><outline text="S" xmlUrl="javascript://x/%0Aalert(1)"/></body></opml>'
    assert [entry.homepage for entry in read_opml(opml)] == [""]


def test_outlet_homepage_must_be_an_http_or_https_address():
    for homepage in ["javascript:alert(1)", "ftp://files.example/", "data:text/html,x"]:
        with pytest.raises(ValidationError, match="Enter a valid URL"):
            OutletFactory.build(name="Bad", slug="bad", homepage=homepage).full_clean()
    OutletFactory.build(name="Good", slug="good", homepage="https://good.example/").full_clean()


def test_migration_replaces_stored_script_homepages_with_the_feeds_site():
    migration = import_module("sources.migrations.0006_outlet_homepage_web_only")
    trap = OutletFactory(homepage="javascript:alert(1)")
    FeedFactory(outlet=trap, url="https://trap.example/feed.xml")
    lonely = OutletFactory(homepage="ftp://lonely.example/")
    fine = OutletFactory(homepage="https://fine.example/")
    migration.replace_other_homepages(django_apps, None)
    homepages = [Outlet.objects.get(pk=o.pk).homepage for o in [trap, lonely, fine]]
    assert homepages == ["https://trap.example/", "", "https://fine.example/"]


def opml(outlines: str) -> bytes:
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode()


def sites(count: int) -> str:
    """Outlines of ``count`` feeds, each of its own site (so each needs a new outlet)."""
    return "".join(
        f'<outline type="rss" text="Site {n}" xmlUrl="https://site{n}.example/feed.xml" '
        f'htmlUrl="https://site{n}.example/"/>'
        for n in range(count)
    )


def test_import_of_thousands_of_feeds_takes_linear_time():
    # 2,000 new feeds and outlets: 20 s and more while every feed compared its site with
    # every outlet made so far; bench/import_opml.py shows the scaling from 1k to 10k.
    started = time.monotonic()
    report = import_feeds(read_opml(opml(sites(2000))))
    assert time.monotonic() - started < 5
    assert (len(report.feeds_created), len(report.outlets_created)) == (2000, 2000)
    assert Feed.objects.count() == Outlet.objects.count() == 2000


def test_read_opml_walks_a_file_nested_5000_deep():
    feed = '<outline type="rss" text="Deep" xmlUrl="https://deep.example/feed.xml"/>'
    data = opml('<outline text="Folder">' * 4999 + feed + "</outline>" * 4999)
    assert [entry.url for entry in read_opml(data)] == ["https://deep.example/feed.xml"]


def test_file_with_more_outlines_than_the_limit_is_refused(settings):
    settings.OPML_MAX_OUTLINES = 10
    assert len(read_opml(opml(sites(10)))) == 10
    with pytest.raises(OpmlError, match="more than 10 outlines .*OPML_MAX_OUTLINES"):
        read_opml(opml(sites(11)))


def test_bad_entries_are_skipped_with_the_reason_and_the_good_ones_imported(tmp_path):
    long_url = "https://long.example/" + "a" * 1000
    path = tmp_path / "mixed.opml"
    path.write_bytes(
        opml(
            '<outline type="rss" text="Good" xmlUrl="https://good.example/feed.xml"/>'
            f'<outline type="rss" text="Long" xmlUrl="{long_url}"/>'
            '<outline type="rss" text="Broken" xmlUrl="http://[broken/feed"/>'
            '<outline type="rss" text="Also good" xmlUrl="https://also.example/feed.xml"/>'
        )
    )
    out, err = import_file(str(path))
    assert "Imported 2 feed(s); 0 already known, 2 skipped, 2 new outlet(s)." in out
    assert f"{long_url[:60]}…: longer than 1,000 characters" in err
    assert "http://[broken/feed: not an http(s) address" in err
    assert sorted(Feed.objects.values_list("url", flat=True)) == [
        "https://also.example/feed.xml",
        "https://good.example/feed.xml",
    ]


def test_outlets_whose_long_names_are_cut_to_the_same_text_still_get_distinct_names():
    # Names longer than 120 characters are cut; these two differ only after that.
    names = {"one": "N" * 125 + "one", "two": "N" * 125 + "two", "uno": "N" * 125 + "one"}
    outlines = "".join(
        f'<outline type="rss" text="{name}" xmlUrl="https://{site}.example/feed"/>'
        for site, name in names.items()
    )
    report = import_feeds(read_opml(opml(outlines)))
    assert len(report.feeds_created) == 3
    outlets = dict(Feed.objects.values_list("url", "outlet__name"))
    assert outlets == {
        "https://one.example/feed": "N" * 120,
        "https://two.example/feed": "N" * 116 + " (2)",
        "https://uno.example/feed": "N" * 120,  # the same name: the same outlet
    }


def test_feeds_without_names_get_an_outlet_per_site_named_after_its_host():
    outlines = "".join(
        f'<outline type="rss" xmlUrl="https://www.{site}.example/feed"/>' for site in ["a", "b"]
    )
    import_feeds(read_opml(opml(outlines)))
    assert sorted(Outlet.objects.values_list("name", "homepage")) == [
        ("a.example", "https://www.a.example/"),
        ("b.example", "https://www.b.example/"),
    ]


def test_outlets_whose_names_share_a_slug_get_numbered_slugs():
    # Names in other scripts all slugify to nothing, so each slug is "outlet" with a number.
    names = ["Новости", "Известия", "Ведомости"]
    outlines = "".join(
        f'<outline type="rss" text="{name}" xmlUrl="https://{n}.example/feed"/>'
        for n, name in enumerate(names)
    )
    import_feeds(read_opml(opml(outlines)))
    assert sorted(Outlet.objects.values_list("slug", flat=True)) == [
        "outlet",
        "outlet-2",
        "outlet-3",
    ]
