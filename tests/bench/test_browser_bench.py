"""`make browserbench` (tests/bench/browser_bench.py): one first view measured in
Chromium, the proxy's compression, and the verdicts against the targets."""

import gzip

import pytest

from tests.bench import browser_bench


def test_text_is_compressed_when_asked_and_images_are_not():
    def application(environ, start_response):
        content_type = environ["PATH_INFO"] == "/" and "text/html" or "image/webp"
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", "9")])
        return [b"<p>", b"x" * 6]

    wrapped = browser_bench.compressing(application)
    seen = {}

    def start_response(status, headers):
        seen["headers"] = dict(headers)

    body = b"".join(wrapped({"PATH_INFO": "/", "HTTP_ACCEPT_ENCODING": "gzip, br"}, start_response))
    assert gzip.decompress(body) == b"<p>xxxxxx"
    assert seen["headers"]["Content-Encoding"] == "gzip"
    assert seen["headers"]["Content-Length"] == str(len(body))

    body = b"".join(
        wrapped({"PATH_INFO": "/image", "HTTP_ACCEPT_ENCODING": "gzip"}, start_response)
    )
    assert body == b"<p>xxxxxx" and "Content-Encoding" not in seen["headers"]

    body = b"".join(wrapped({"PATH_INFO": "/"}, start_response))
    assert body == b"<p>xxxxxx" and "Content-Encoding" not in seen["headers"]


def test_verdicts_and_report():
    fast = {"lcp_ms": 1200, "cls": 0.0, "bytes": 80_000, "requests": 8, "lcp_element": "img"}
    slow = dict(fast, lcp_ms=2400, cls=0.2)
    assert all(met for _, met in browser_bench.verdicts(fast))
    assert dict(browser_bench.verdicts(slow)) == {"LCP": False, "CLS": False, "bytes": True}
    lines = []
    rows = [{"language": "ko", "page": "home", "median": fast}]
    assert browser_bench.report(rows, log=lines.append) is True
    rows.append({"language": "en", "page": "event", "median": slow})
    assert browser_bench.report(rows, log=lines.append) is False
    assert "LCP MISSED" in lines[-2] and "NOT all met" in lines[-1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_first_view_is_measured(browser, live_server):
    from tests.factories import CityFactory

    CityFactory(is_home=True)
    result = browser_bench.measure(browser, f"{live_server.url}/ko/", "ko", throttled=False)
    assert result["lcp_ms"] > 0
    assert result["cls"] >= 0
    assert result["bytes"] > 1000 and result["requests"] >= 2
