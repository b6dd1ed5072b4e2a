import ipaddress
import time

import pytest

from sources.fetch import (
    FetchError,
    Gone,
    HTTPStatusError,
    RefusedAddress,
    TooLarge,
    fetch,
    is_public_address,
)


def test_fetch_sends_a_user_agent_naming_the_product_and_site(feed_server):
    response = fetch(feed_server.url("/feeds/rss2.xml"))
    assert response.status == 200
    assert b"Lakeside Courier" in response.body
    _, headers = feed_server.requests[0]
    assert headers["User-Agent"].startswith("Newsroom/")
    assert "https://news.example.org/" in headers["User-Agent"]
    assert "gzip" in headers["Accept-Encoding"]


def test_conditional_get_sends_validators_and_gets_304_without_body(feed_server):
    first = fetch(feed_server.url("/feeds/rss2.xml"))
    second = fetch(
        feed_server.url("/feeds/rss2.xml"), etag=first.etag, last_modified=first.last_modified
    )
    assert first.etag and first.last_modified
    assert second.status == 304
    assert second.body == b""
    _, headers = feed_server.requests[1]
    assert headers["If-None-Match"] == first.etag
    assert headers["If-Modified-Since"] == first.last_modified


def test_gzip_bodies_are_decompressed(feed_server):
    response = fetch(feed_server.url("/gzip/atom.xml"))
    assert response.body.startswith(b"<?xml")


def test_permanent_redirect_reports_the_new_address(feed_server):
    response = fetch(feed_server.url("/redirect/301/feeds/atom.xml"))
    assert response.status == 200
    assert response.moved_to == feed_server.url("/feeds/atom.xml")


def test_temporary_redirect_is_followed_but_not_remembered(feed_server):
    response = fetch(feed_server.url("/redirect/302/feeds/atom.xml"))
    assert response.url == feed_server.url("/feeds/atom.xml")
    assert response.moved_to == ""


def test_permanent_then_temporary_redirect_remembers_only_the_permanent_hop(feed_server):
    response = fetch(feed_server.url("/redirect/308/redirect/307/feeds/atom.xml"))
    assert response.moved_to == feed_server.url("/redirect/307/feeds/atom.xml")
    assert response.url == feed_server.url("/feeds/atom.xml")


def test_redirects_are_bounded(feed_server):
    with pytest.raises(FetchError, match="More than 3 redirects"):
        fetch(feed_server.url("/special/loop"))
    assert feed_server.hits("/special/loop") == 4


def test_redirect_to_a_file_url_is_refused(feed_server):
    with pytest.raises(RefusedAddress, match="Only http and https"):
        fetch(feed_server.url("/special/to-file"))


def test_410_is_reported_as_gone(feed_server):
    with pytest.raises(Gone):
        fetch(feed_server.url("/status/410"))


def test_server_error_carries_the_status_and_retry_after(feed_server):
    with pytest.raises(HTTPStatusError) as caught:
        fetch(feed_server.url("/status/503"))
    assert caught.value.status == 503
    assert caught.value.retry_after == 7200
    assert "HTTP 503" in str(caught.value)


def test_body_larger_than_the_limit_is_refused_from_its_content_length(feed_server):
    with pytest.raises(TooLarge, match="limit is 100,000"):
        fetch(feed_server.url("/special/large"))


def test_body_larger_than_the_limit_is_refused_while_reading(feed_server):
    with pytest.raises(TooLarge):
        fetch(feed_server.url("/special/large-unannounced"))


def test_gzip_bomb_is_refused_once_decompressed_past_the_limit(feed_server):
    with pytest.raises(TooLarge, match="decompressed"):
        fetch(feed_server.url("/special/gzip-bomb"))


def test_slow_server_times_out_after_the_read_timeout(feed_server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="Timed out"):
        fetch(feed_server.url("/special/slow"))
    assert time.monotonic() - started < 2


def test_server_dripping_bytes_is_cut_off_at_the_deadline(feed_server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="Timed out"):
        fetch(feed_server.url("/special/drip"))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "path",
    ["/special/drip-status-line", "/special/drip-headers", "/special/drip-chunk-size"],
)
def test_server_dripping_its_head_or_chunk_sizes_is_cut_off_at_the_deadline(
    feed_server, settings, path
):
    # A byte every half second: each read gets something well within the read timeout.
    settings.FEEDS_READ_TIMEOUT = 1
    settings.FEEDS_TOTAL_TIMEOUT = 2
    started = time.monotonic()
    with pytest.raises(FetchError, match="Timed out: no complete answer .* within 1 s"):
        fetch(feed_server.url(path))
    assert time.monotonic() - started < 2  # it took 9 s, as long as the server dripped


def test_headers_larger_than_the_limit_are_refused(feed_server, settings):
    settings.FEEDS_MAX_HEADER_BYTES = 16_000
    with pytest.raises(FetchError, match="headers are larger than 16,000 bytes"):
        fetch(feed_server.url("/special/large-headers"))


def test_endless_interim_answers_are_refused_quickly(feed_server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="more than 100 header lines"):
        fetch(feed_server.url("/special/endless-continue"))
    assert time.monotonic() - started < 2  # the whole FEEDS_TOTAL_TIMEOUT (5 s) before


def test_connection_refused_is_a_fetch_error(feed_server, settings):
    settings.FEEDS_ALLOWED_PORTS = [9]
    with pytest.raises(FetchError, match="Connection failed: Connection refused"):
        fetch("http://127.0.0.1:9/feed.xml")


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://files.example/feed.xml", "gopher://old.example/"],
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(RefusedAddress, match="Only http and https"):
        fetch(url)


def test_loopback_is_refused_when_private_addresses_are_not_allowed(feed_server, settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(RefusedAddress, match="127.0.0.1, which is not a public"):
        fetch(feed_server.url("/feeds/rss2.xml"))
    assert feed_server.requests == []


def test_host_name_resolving_to_loopback_is_refused(feed_server, settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    url = feed_server.url("/feeds/rss2.xml").replace("127.0.0.1", "localhost")
    with pytest.raises(RefusedAddress, match="localhost"):
        fetch(url)
    assert feed_server.requests == []


def test_redirect_hop_to_a_private_address_is_refused(feed_server, settings):
    # Only the test server's own address is allowed; the redirect target is checked anew.
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    settings.FEEDS_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    with pytest.raises(RefusedAddress, match="169.254.169.254"):
        fetch(feed_server.url("/special/to-private"))
    assert [path for path, _ in feed_server.requests] == ["/special/to-private"]


def test_allowed_private_networks_may_be_given_as_one_string(feed_server, settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    settings.FEEDS_ALLOWED_PRIVATE_NETWORKS = "10.0.0.0/8, 127.0.0.1"
    assert fetch(feed_server.url("/feeds/rss2.xml")).status == 200


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),
        ("::", False),
        # NAT64, IPv4-compatible and IPv4-translated (SIIT) forms stand for their IPv4 address.
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::a9fe:a9fe", False),
        ("64:ff9b::5db8:d70e", True),
        ("64:ff9b:1::7f00:1", False),
        ("64:ff9b:1::5db8:d70e", False),  # local-use NAT64: refused whatever it wraps
        ("::7f00:1", False),
        ("::a00:1", False),
        ("::ffff:0:7f00:1", False),
        ("::ffff:0:c0a8:101", False),
    ],
)
def test_public_addresses_are_told_apart_from_internal_ones(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_ports_other_than_the_allowed_ones_are_refused(feed_server, settings):
    settings.FEEDS_ALLOWED_PORTS = [80, 443]
    with pytest.raises(RefusedAddress, match=f"port {feed_server.server_port} of 127.0.0.1"):
        fetch(feed_server.url("/feeds/rss2.xml"))
    assert feed_server.requests == []


def test_allowed_ports_may_be_given_as_one_string(feed_server, settings):
    settings.FEEDS_ALLOWED_PORTS = f"443, {feed_server.server_port}"
    assert fetch(feed_server.url("/feeds/rss2.xml")).status == 200


def test_redirect_hop_to_another_port_is_refused(feed_server):
    feed_server.routes["/to-ssh"] = lambda handler: handler.answer(
        302, headers={"Location": "http://127.0.0.1:22/"}
    )
    with pytest.raises(RefusedAddress, match="port 22 of 127.0.0.1"):
        fetch(feed_server.url("/to-ssh"))


def test_one_deadline_covers_every_redirect_hop(feed_server, settings):
    # Each hop answers well within the read timeout, but together they take too long.
    settings.FEEDS_READ_TIMEOUT = 1.0
    settings.FEEDS_TOTAL_TIMEOUT = 1.0

    def slow_hop(number):
        def answer(handler):
            time.sleep(0.4)
            handler.answer(302, headers={"Location": f"/hop/{number + 1}"})

        return answer

    for number in range(3):
        feed_server.routes[f"/hop/{number}"] = slow_hop(number)
    feed_server.routes["/hop/3"] = lambda handler: handler.serve_document(b"<rss/>", "text/xml")
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1 s in all"):
        fetch(feed_server.url("/hop/0"))
    assert time.monotonic() - started < 1.3
    assert feed_server.hits("/hop/3") == 0
