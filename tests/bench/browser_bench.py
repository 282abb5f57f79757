"""How the public pages load on a phone: Largest Contentful Paint, Cumulative Layout
Shift and the bytes of a first view, in Chromium on a slow network and a slow CPU.

    make browserbench                       # home, an institution, an event; ko and en
    python -m tests.bench.browser_bench --runs 5 --languages ko

The demo data (``load_demo``) in a SQLite database of its own, served in this process
with production settings: static files through WhiteNoise with their compressed copies,
media files as a web server would (``serve``). Pages are compressed as the TLS proxy in
front of the app compresses them (``COMPRESSED_TYPES``). Each run is a first view: a new
browser context with an empty cache, at 390 × 844 CSS pixels, device pixel ratio 3
(today's common phone), with Chrome DevTools' "Slow 4G" profile and the CPU slowed 4×
(``Emulation.setCPUThrottlingRate``). The median of ``--runs`` is checked against the
targets; the exit status is non-zero when one is missed. Results are also written as JSON
to ``bench-results/``.
"""

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

from tests.bench import screenshots

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench-results"

LCP_TARGET_MS = 2000
CLS_TARGET = 0.05
BYTES_TARGET = 300 * 1024

VIEWPORT = {"width": 390, "height": 844}
DEVICE_SCALE_FACTOR = 3
CPU_SLOWDOWN = 4
# Chrome DevTools' "Slow 4G" preset (its figures: 562.5 ms round trip, 1.44 Mbit/s down,
# 675 kbit/s up), the profile Lighthouse's mobile run stands for.
SLOW_4G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.44 * 1000 * 1000 / 8,
    "uploadThroughput": 675 * 1000 / 8,
}
COMPRESSED_TYPES = ("text/html", "application/json", "application/ld+json", "text/calendar")

# Read by the page from its first byte: every LCP candidate and every layout shift
# without recent input (Core Web Vitals' session windows: gaps under 1 s, at most 5 s).
OBSERVERS = """
window.__vitals = {lcp: 0, lcpElement: "", cls: 0};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__vitals.lcp = entry.renderTime || entry.loadTime || entry.startTime;
    const el = entry.element;
    const name = el && el.className ? "." + String(el.className).split(" ")[0] : "";
    window.__vitals.lcpElement = el ? el.tagName.toLowerCase() + name : "";
  }
}).observe({type: "largest-contentful-paint", buffered: true});
(() => {
  let session = 0, first = 0, last = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      if (session && entry.startTime - last < 1000 && entry.startTime - first < 5000) {
        session += entry.value;
      } else {
        session = entry.value;
        first = entry.startTime;
      }
      last = entry.startTime;
      window.__vitals.cls = Math.max(window.__vitals.cls, session);
    }
  }).observe({type: "layout-shift", buffered: true});
})();
"""


def page_paths():
    """(name, path after the language prefix) of the pages measured: the home page, and
    the institution and the event with an image and the most gallery pictures, as the
    heaviest of their kind."""
    from django.db.models import Count

    from events.models import Event
    from institutions.models import Institution

    paths = [("home", "")]
    for name, model, prefix in (
        ("institution", Institution, "institutions"),
        ("event", Event, "events"),
    ):
        record = (
            model.objects.published()
            .annotate(images=Count("gallery"))
            .exclude(image="")
            .order_by("-images", "pk")
            .first()
        )
        if record is not None:
            paths.append((name, f"{prefix}/{record.slug}/"))
    return paths


def compressing(application):
    """``application`` behind what the TLS proxy does to text: gzip, when asked for."""

    def wrapped(environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return application(environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(application(environ, capture))
        headers = captured["headers"]
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        already = any(k.lower() == "content-encoding" for k, _ in headers)
        if body and not already and content_type.startswith(COMPRESSED_TYPES):
            body = gzip.compress(body, compresslevel=6)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
            headers += [("Vary", "Accept-Encoding")]
        start_response(captured["status"], headers)
        return [body]

    return wrapped


def serve():
    """The site on a free port of localhost, in a thread of this process, with media
    files served beside it and text compressed."""
    from django.conf import settings
    from django.test.testcases import LiveServerThread
    from whitenoise import WhiteNoise

    def handler(application):
        served = WhiteNoise(compressing(application), max_age=3600)
        served.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
        return served

    server = LiveServerThread("localhost", static_handler=handler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    server.url = f"http://localhost:{server.port}"
    return server


def measure(browser, url, language, throttled=True):
    """One first view of ``url``: {"lcp_ms", "cls", "bytes", "requests", "lcp_element"}."""
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=DEVICE_SCALE_FACTOR,
        is_mobile=True,
        has_touch=True,
        locale="ko-KR" if language == "ko" else "en-GB",
    )
    try:
        page = context.new_page()
        page.add_init_script(OBSERVERS)
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttled:
            session.send("Network.emulateNetworkConditions", SLOW_4G)
            session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        transferred = {"bytes": 0, "requests": 0}

        def finished(event):
            transferred["bytes"] += event.get("encodedDataLength", 0)
            transferred["requests"] += 1

        session.on("Network.loadingFinished", finished)
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise RuntimeError(f"{url} answered {response.status if response else 'nothing'}")
        page.wait_for_load_state("networkidle")
        # The browser may still report a late shift or paint: let it.
        time.sleep(0.5)
        vitals = page.evaluate("window.__vitals")
        return {
            "lcp_ms": round(vitals["lcp"]),
            "cls": round(vitals["cls"], 4),
            "bytes": transferred["bytes"],
            "requests": transferred["requests"],
            "lcp_element": vitals["lcpElement"],
        }
    finally:
        context.close()


def median_of(runs):
    return {
        "lcp_ms": round(statistics.median(r["lcp_ms"] for r in runs)),
        "cls": round(statistics.median(r["cls"] for r in runs), 4),
        "bytes": round(statistics.median(r["bytes"] for r in runs)),
        "requests": round(statistics.median(r["requests"] for r in runs)),
        "lcp_element": runs[-1]["lcp_element"],
    }


def verdicts(result):
    """(name, met) for each target."""
    return [
        ("LCP", result["lcp_ms"] <= LCP_TARGET_MS),
        ("CLS", result["cls"] <= CLS_TARGET),
        ("bytes", result["bytes"] <= BYTES_TARGET),
    ]


def report(rows, log=print):
    log(f"{'page':<18} {'LCP ms':>7} {'CLS':>7} {'KB':>6} {'req':>4}  largest element   targets")
    all_met = True
    for row in rows:
        result = row["median"]
        marks = verdicts(result)
        all_met &= all(met for _, met in marks)
        summary = ", ".join(f"{name} {'met' if met else 'MISSED'}" for name, met in marks)
        log(
            f"{row['language'] + ' ' + row['page']:<18} {result['lcp_ms']:>7} "
            f"{result['cls']:>7.3f} {result['bytes'] / 1024:>6.0f} {result['requests']:>4}  "
            f"{result['lcp_element'][:16]:<16}  {summary}"
        )
    log(
        f"targets: LCP ≤ {LCP_TARGET_MS} ms, CLS ≤ {CLS_TARGET}, ≤ {BYTES_TARGET // 1024} KB "
        f"transferred (median of each page's runs): {'all met' if all_met else 'NOT all met'}"
    )
    return all_met


def run_all(server, languages, runs, throttled=True, log=print):
    from playwright.sync_api import sync_playwright

    from tests.browser.fixtures import chromium_path

    executable = chromium_path()
    if not executable:
        raise SystemExit("Chromium not found: sudo apt-get install chromium fonts-noto-cjk")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            for language in languages:
                for name, path in page_paths():
                    url = f"{server.url}/{language}/{path}"
                    # The first request of a page fills the server's page cache, as the
                    # visitors before this one did: what is measured is the browser.
                    measure(browser, url, language, throttled=False)
                    results = [measure(browser, url, language, throttled) for _ in range(runs)]
                    rows.append(
                        {
                            "language": language,
                            "page": name,
                            "path": path,
                            "runs": results,
                            "median": median_of(results),
                        }
                    )
        finally:
            browser.close()
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.browser_bench")
    parser.add_argument("--runs", type=int, default=3, help="first views per page (median)")
    parser.add_argument("--languages", default="ko,en")
    parser.add_argument("--out", type=Path, help="JSON results (default: bench-results/)")
    options = parser.parse_args(argv)
    work = OUT / "browser"
    work.mkdir(parents=True, exist_ok=True)
    database_file = work / "browser-bench.sqlite3"
    database_file.unlink(missing_ok=True)
    # The demo's images are made into a folder of the bench's own, not the developer's.
    os.environ.setdefault("MEDIA_ROOT", str(work / "media"))
    screenshots.configure(database_file)
    screenshots.prepare(database_file)
    server = serve()
    try:
        rows = run_all(server, options.languages.split(","), options.runs)
    finally:
        server.terminate()
    met = report(rows)
    target = options.out or OUT / time.strftime("%Y%m%d-%H%M%S-browser.json")
    target.write_text(
        json.dumps(
            {
                "viewport": VIEWPORT,
                "device_scale_factor": DEVICE_SCALE_FACTOR,
                "cpu_slowdown": CPU_SLOWDOWN,
                "network": SLOW_4G,
                "pages": rows,
                "all_met": met,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"results in {target}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
