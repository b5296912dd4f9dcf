#!/usr/bin/env python3
"""Measure how fast `policypress serve` shows an edit: save -> reload event -> page served.

    python3 benches/serve_latency.py --pp BIN --site DIR [--today D] [--edits 10]
                                     [--template-edits 3] [--build-seconds S] [--json FILE]

Starts `BIN serve --root DIR --port 0`, reads the address from its first line, waits until it
answers and opens the Server-Sent Events stream (/__policypress/events) like a browser would.
Then, with the stream open:

  (a) one-page edits: appends a unique sentence to --edits pages' Markdown (policies, guides and
      ordinary pages), and times the write -> `event: reload` and the write -> that page served
      with the sentence in it;
  (b) template edits: creates templates/page.html (ordinary pages) and templates/guide.html
      (guides) in the site, copies of the default theme's with a marker paragraph added, then
      changes the marker --template-edits times each, timing write -> reload -> page with the
      marker (and checking the other kind of page does not have it).

Stops serve with SIGINT and checks that it exits with 0. Prints Markdown tables and every line
serve printed; with --build-seconds (a full `policypress build` of the same site), the edits as
a percentage of the build. Python 3 standard library only. Edits the site it is given: use a
generated one. Exits 1 if an edit never showed up or serve did not stop cleanly.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def now():
    return time.monotonic()


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


class Lines:
    """Lines read from a stream by a thread, each with the time it arrived."""

    def __init__(self, stream, name, echo=False):
        self.items = []  # (time, text)
        self.cond = threading.Condition()
        self.closed = False
        self.name = name
        self.echo = echo
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        try:
            for raw in iter(stream.readline, b""):
                text = raw.decode("utf-8", "replace").rstrip("\r\n")
                with self.cond:
                    self.items.append((now(), text))
                    self.cond.notify_all()
                if self.echo:
                    print(f"    [{self.name}] {text}", file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def count(self):
        with self.cond:
            return len(self.items)

    def wait(self, start, pred, timeout):
        """The first (time, text) at index >= start with pred(text), or None after timeout."""
        deadline = now() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.items):
                    if pred(self.items[i][1]):
                        return self.items[i]
                    i += 1
                left = deadline - now()
                if left <= 0 or self.closed:
                    return None
                self.cond.wait(left)

    def since(self, start, pred=lambda t: True):
        with self.cond:
            return [x for x in self.items[start:] if pred(x[1])]


def fetch(host, port, path, timeout=30):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def open_events(host, port):
    """The SSE stream as a raw socket, after the response head; its lines are read by a thread."""
    sock = socket.create_connection((host, port), timeout=30)
    sock.sendall(
        f"GET /__policypress/events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    sock.settimeout(None)
    stream = sock.makefile("rb")
    status = stream.readline().decode().strip()
    if " 200 " not in status + " ":
        raise SystemExit(f"error: the event stream answered {status!r}")
    while stream.readline() not in (b"\r\n", b"\n", b""):
        pass  # headers
    return sock, Lines(stream, "events")


def page_url(rel):
    """`guides/g-00012.md` -> `/guides/g-00012/` (a site with one school)."""
    return "/" + rel[: -len(".md")] + "/"


def pick_pages(site, count):
    """`count` Markdown files spread over the sorted list: policies, guides and ordinary pages."""
    content = os.path.join(site, "content")
    files = []
    for d, _, names in os.walk(content):
        for n in names:
            if n.endswith(".md") and n != "index.md":
                rel = os.path.relpath(os.path.join(d, n), content).replace(os.sep, "/")
                if not rel.startswith("schools/"):
                    files.append(rel)
    # Generated sites: policies first, then guides, then area-* pages (10/60/30 %).
    order = {"policies": 0, "guides": 1}
    files.sort(key=lambda r: (order.get(r.split("/")[0], 2), r.split("/")[-1]))
    if len(files) < count:
        raise SystemExit(f"error: only {len(files)} pages in {content}")
    return [files[int((k + 0.5) * len(files) / count)] for k in range(count)]


def first_of_kind(site, folder_pred):
    content = os.path.join(site, "content")
    for d in sorted(os.listdir(content)):
        if folder_pred(d) and os.path.isdir(os.path.join(content, d)):
            names = sorted(n for n in os.listdir(os.path.join(content, d)) if n.endswith(".md"))
            if names:
                return f"{d}/{names[0]}"
    raise SystemExit("error: no page of that kind in the site")


class Serve:
    def __init__(self, pp, site, today):
        cmd = [pp, "serve", "--root", site, "--port", "0", "--today", today]
        log("starting: " + " ".join(cmd))
        self.started = now()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.out = Lines(self.proc.stdout, "serve", echo=True)
        self.err = Lines(self.proc.stderr, "serve stderr", echo=True)
        first = self.out.wait(0, lambda t: True, 900)
        if first is None:
            raise SystemExit(f"error: serve printed nothing (exit code {self.proc.poll()})")
        self.first_line_s = first[0] - self.started
        # "Serving 12345 files at http://127.0.0.1:PORT/ (press Ctrl-C to stop)"
        words = [w for w in first[1].split() if w.startswith("http://")]
        if not words:
            raise SystemExit(f"error: no address in serve's first line: {first[1]!r}")
        self.url = words[0]
        u = urllib.parse.urlsplit(self.url)
        self.host, self.port, self.base = u.hostname, u.port, u.path
        deadline = now() + 120
        while True:
            try:
                status, _ = fetch(self.host, self.port, self.base, timeout=10)
                if status == 200:
                    break
            except OSError:
                pass
            if now() > deadline:
                raise SystemExit("error: serve does not answer")
            time.sleep(0.05)
        self.ready_s = now() - self.started

    def get(self, rel):
        return fetch(self.host, self.port, self.base.rstrip("/") + page_url(rel))

    def peak_rss_mb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            return rc, True
        return rc, False


def measure(serve, events, write, check_rel, marker, timeout, not_rel=None):
    """Runs `write()`, then waits for the reload event and for `check_rel` to show `marker`."""
    ev0, out0 = events.count(), serve.out.count()
    t0 = now()
    write()
    got = events.wait(ev0, lambda t: t == "event: reload", timeout)
    reload_ms = (got[0] - t0) * 1000 if got else None
    first_fetch_ok = None
    served_ms = None
    deadline = t0 + timeout
    while now() < deadline:
        try:
            status, body = serve.get(check_rel)
        except OSError:
            status, body = 0, ""
        ok = status == 200 and marker in body
        if first_fetch_ok is None:
            first_fetch_ok = ok
        if ok:
            served_ms = (now() - t0) * 1000
            break
        time.sleep(0.02)
    leaked = None
    if not_rel is not None:
        _, body = serve.get(not_rel)
        leaked = marker in body
    # Let any further rebuild from the same save arrive before the next edit.
    time.sleep(1.5)
    reloads = len(events.since(ev0, lambda t: t == "event: reload"))
    said = [t for _, t in serve.out.since(out0)]
    return {
        "reload_ms": reload_ms,
        "served_ms": served_ms,
        "first_fetch_ok": bool(first_fetch_ok),
        "reloads": reloads,
        "serve_said": said,
        "leaked": leaked,
    }


def ms(v):
    return "—" if v is None else f"{v:.0f}"


def stats(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None
    return statistics.median(vals), max(vals)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pp", required=True, help="the policypress binary")
    ap.add_argument("--site", required=True, help="a generated site (it is edited)")
    ap.add_argument("--today", default="2026-11-23")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--template-edits", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120, help="seconds to wait for one edit to show")
    ap.add_argument("--build-seconds", type=float, help="wall time of a full build, for the percentages")
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args()
    site = os.path.abspath(a.site)
    if os.path.exists(os.path.join(site, "templates")):
        raise SystemExit(f"error: {site}/templates exists already; use a freshly generated site")

    serve = Serve(a.pp, site, a.today)
    log(f"serve printed its address after {serve.first_line_s:.2f} s, answered after {serve.ready_s:.2f} s: {serve.url}")
    sock, events = open_events(serve.host, serve.port)
    failures = []

    # (a) one-page edits
    page_rows = []
    for k, rel in enumerate(pick_pages(site, a.edits), 1):
        marker = f"benchmarker{k}x{secrets.token_hex(4)}"
        path = os.path.join(site, "content", rel)

        def write(path=path, marker=marker, k=k):
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\nThe serve benchmark added this sentence, number {k}, with the marker {marker}.\n")

        r = measure(serve, events, write, rel, marker, a.timeout)
        r["page"] = rel
        page_rows.append(r)
        log(f"edit {k} {rel}: reload {ms(r['reload_ms'])} ms, served {ms(r['served_ms'])} ms, {r['serve_said']}")
        if r["served_ms"] is None:
            failures.append(f"one-page edit of {rel}: the sentence never showed up")

    # (b) template edits
    theme = os.path.join(REPO, "themes", "default", "templates")
    ordinary = first_of_kind(site, lambda d: d not in ("policies", "guides", "charters", "risk-logs", "schools"))
    guide = first_of_kind(site, lambda d: d == "guides")
    tpl_rows = []
    for name, check_rel, other_rel in (("page.html", ordinary, guide), ("guide.html", guide, ordinary)):
        with open(os.path.join(theme, name), encoding="utf-8") as f:
            original = f.read()
        if "{% endblock main %}" not in original:
            raise SystemExit(f"error: no `{{% endblock main %}}` in the theme's {name}")
        dest = os.path.join(site, "templates", name)
        for j in range(a.template_edits + 1):
            marker = f"templatemarker{secrets.token_hex(4)}"
            text = original.replace(
                "{% endblock main %}", f'<p class="bench-marker">Template benchmark {marker}</p>\n{{% endblock main %}}'
            )
            created = not os.path.exists(dest)
            what = ("create" if created else "change") + f" templates/{name}"
            if created and not os.path.isdir(os.path.dirname(dest)):
                what += " (and the templates/ folder)"

            def write(dest=dest, text=text):
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with open(dest, "w", encoding="utf-8") as f:
                    f.write(text)

            r = measure(serve, events, write, check_rel, marker, a.timeout, not_rel=other_rel)
            r.update({"edit": what, "template": name, "page": check_rel, "created": created})
            tpl_rows.append(r)
            log(f"{what}: reload {ms(r['reload_ms'])} ms, served {ms(r['served_ms'])} ms, {r['serve_said']}")
            if r["served_ms"] is None:
                failures.append(f"{what}: the marker never showed up on {check_rel}")
            if r["leaked"]:
                failures.append(f"{what}: the marker also showed up on {other_rel}")

    rss = serve.peak_rss_mb()
    sock.close()
    rc, killed = serve.stop()
    if killed:
        failures.append("serve did not stop within 60 s of SIGINT (killed)")
    elif rc != 0:
        failures.append(f"serve exited with {rc} after SIGINT")
    stopped = any(t == "Stopped." for _, t in serve.out.items)

    # ---- report ----
    print()
    print(f"serve: first line after {serve.first_line_s:.2f} s, answering after {serve.ready_s:.2f} s; "
          f"peak RSS {rss:.0f} MB; after SIGINT exit code {rc}{' (killed)' if killed else ''}, "
          f"printed \"Stopped.\": {'yes' if stopped else 'no'}")
    print()
    print("One-page edits (append a sentence to the Markdown file):")
    print()
    print("| # | page | save→reload ms | save→page served ms | sentence on first fetch | reload events | serve printed |")
    print("| ---: | --- | ---: | ---: | --- | ---: | --- |")
    for k, r in enumerate(page_rows, 1):
        print(f"| {k} | `{r['page']}` | {ms(r['reload_ms'])} | {ms(r['served_ms'])} | "
              f"{'yes' if r['first_fetch_ok'] else 'no'} | {r['reloads']} | {'; '.join(r['serve_said']) or '—'} |")
    print()
    print("Template edits:")
    print()
    print("| edit | page checked | save→reload ms | save→page served ms | on first fetch | reload events | marker on the other kind of page | serve printed |")
    print("| --- | --- | ---: | ---: | --- | ---: | --- | --- |")
    for r in tpl_rows:
        print(f"| {r['edit']} | `{r['page']}` | {ms(r['reload_ms'])} | {ms(r['served_ms'])} | "
              f"{'yes' if r['first_fetch_ok'] else 'no'} | {r['reloads']} | {'yes (wrong)' if r['leaked'] else 'no'} | "
              f"{'; '.join(r['serve_said']) or '—'} |")

    summary = []
    def add(label, rows, key):
        med, mx = stats([r[key] for r in rows])
        summary.append((label, med, mx, len([r for r in rows if r[key] is not None]), len(rows)))
    add("one-page edit: save→reload", page_rows, "reload_ms")
    add("one-page edit: save→page served", page_rows, "served_ms")
    for name in ("page.html", "guide.html"):
        changes = [r for r in tpl_rows if r["template"] == name and not r["created"]]
        add(f"`templates/{name}` change: save→reload", changes, "reload_ms")
        add(f"`templates/{name}` change: save→page served", changes, "served_ms")
    b = a.build_seconds
    print()
    print("| measure | median ms | max ms | n | % of full build" + (f" ({b:.2f} s)" if b else "") + " (median) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, med, mx, n, total in summary:
        pct = f"{med / 10 / b:.2f} %" if (b and med is not None) else "—"
        print(f"| {label} | {ms(med)} | {ms(mx)} | {n}/{total} | {pct} |")
    if b:
        med = summary[1][1]
        if med is not None:
            goal = "met" if med / 10 / b < 2 else "NOT met"
            print(f"\nOne-page edit, save→page served, median: {med / 10 / b:.2f} % of a full build (goal < 2 %: {goal}).")
    print()
    print("serve's own output:")
    print()
    print("```text")
    for _, t in serve.out.items:
        print(t)
    for _, t in serve.err.items:
        print(f"(stderr) {t}")
    print("```")
    if failures:
        print()
        print("Problems:")
        for f in failures:
            print(f"- {f}")

    if a.json:
        with open(a.json, "w") as f:
            json.dump({
                "first_line_s": serve.first_line_s, "ready_s": serve.ready_s, "peak_rss_mb": rss,
                "exit_code": rc, "killed": killed, "stopped_line": stopped,
                "pages": page_rows, "templates": tpl_rows,
                "summary": [dict(zip(("measure", "median_ms", "max_ms", "n", "total"), s)) for s in summary],
                "build_seconds": b, "failures": failures,
                "serve_stdout": [t for _, t in serve.out.items], "serve_stderr": [t for _, t in serve.err.items],
            }, f, indent=1)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
