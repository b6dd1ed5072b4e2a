"""Request bodies larger than MAX_REQUEST_BYTES are refused from their Content-Length, before
anything reads them: Django parses a multipart body (spooling its files to disk) the first time
request.POST is touched, and the CSRF check touches it for every POST, even an anonymous one."""

import socket
from urllib.parse import urlsplit

import pytest

GIB = 1024**3
BOUNDARY = "newsroom-test-boundary"


def test_a_body_announced_over_the_limit_gets_413_before_it_is_read(client, settings):
    # The body is ten bytes; the request says a gibibyte follows. Reading it would fail.
    response = client.generic(
        "POST",
        "/admin/login/",
        b"0123456789",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(GIB),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"Too large" in response.content
    assert b"10.0\xc2\xa0MB" in response.content  # the limit, as people read it


def test_the_limit_is_a_setting(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    body = b"x" * 1001
    response = client.generic("POST", "/admin/login/", body, content_type="text/plain")
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_body_within_the_limit_is_read_as_usual(client):
    response = client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter the correct username and password" in response.content


# The live server makes the test transactional; restore the database as the browser tests do.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_server_answers_413_without_waiting_for_a_gibibyte(live_server):
    # With a CSRF cookie (anyone gets one from the log-in page), the CSRF check reads the
    # form to find the token: without the limit, the server would wait for the whole body.
    url = urlsplit(live_server.url)
    head = (
        "POST /admin/login/ HTTP/1.1\r\n"
        f"Host: {url.hostname}\r\n"
        f"Cookie: csrftoken={'a' * 32}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {GIB}\r\n\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
    )
    with socket.create_connection((url.hostname, url.port), timeout=5) as connection:
        connection.sendall(head.encode() + b"\0" * 65536)
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413 ")
