"""Headless Chromium driven over the DevTools protocol on a pipe: one browser for many pages.

For each page: the console and log errors, every network request, the DOM after parsing (what
``--dump-dom`` prints), a screenshot and a PDF. Standard library only.

The browser tests' pages are rendered and visited by one process of their own, started when
the tests are collected (:class:`Prefetch`, ``python -m tests.browser --prefetch``): it works on
the second core while the other tests run, and the browser tests, run last, read what it saved. Also used by
``python -m tests.browser docs/img`` to take the screenshots under docs/img/ (the assessment
report's and one of each analysis command's).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent

#: The flags every launch uses: nothing in the background may reach the network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
)
TIMEOUT = 60.0


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    url: str
    dom: str = ""
    png: bytes = b""
    pdf: bytes = b""
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class Browser:
    """One headless Chromium; :meth:`visit` loads a page and collects what the tests read."""

    def __init__(self, binary: str, width: int = 1280, height: int = 1600) -> None:
        self.profile_dir = tempfile.mkdtemp(prefix="hemscore-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The protocol pipe is fds 3 (commands in) and 4 (replies out) of the browser; bash
        # moves them there (dash takes only one-digit descriptors in a redirection).
        cmd = [
            "bash",
            "-c",
            'exec 3<&"$1" 4>&"$2"; shift 2; exec "$@"',
            "bash",
            str(to_browser_r),
            str(from_browser_w),
            binary,
            *FLAGS,
            f"--user-data-dir={self.profile_dir}",
            "--remote-debugging-pipe",
            "--enable-logging=stderr",
            "--v=0",
            "about:blank",
        ]
        self.log = open(Path(self.profile_dir) / "stderr.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            pass_fds=(to_browser_r, from_browser_w),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Network", "Log", "Runtime"):
            self.call(f"{domain}.enable", session=True)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=True,
        )

    # -- protocol --

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError(f"chromium closed the protocol pipe:\n{self._stderr_tail()}")
            self._buf += chunk
        message, self._buf = self._buf.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def _stderr_tail(self) -> str:
        self.log.flush()
        log = Path(self.profile_dir) / "stderr.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = False
    ) -> dict[str, Any]:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def _wait_for(self, method: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read(deadline))

    # -- pages --

    def visit(self, url: str, *, pdf: bool = True, png: bool = True, small: bool = False) -> Page:
        """Load ``url`` and collect what the tests read; ``small``: a smaller PNG, slower to
        encode (for the pictures kept in docs/img), instead of the faster encoder."""
        self.events = []
        self.call("Page.navigate", {"url": url}, session=True)
        self._wait_for("Page.loadEventFired")
        page = Page(url)
        page.dom = self.call(
            "Runtime.evaluate",
            {"expression": "document.documentElement.outerHTML", "returnByValue": True},
            session=True,
        )["result"]["value"]
        if png:
            # optimizeForSpeed: a faster PNG encoder (the same pixels, a larger file)
            shot = self.call(
                "Page.captureScreenshot",
                {"format": "png", "optimizeForSpeed": not small},
                session=True,
            )
            page.png = base64.b64decode(shot["data"])
        if pdf:
            printed = self.call(
                "Page.printToPDF",
                {"printBackground": True, "preferCSSPageSize": True},
                session=True,
            )
            page.pdf = base64.b64decode(printed["data"])
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Network.requestWillBeSent":
                page.requests.append(params["request"]["url"])
            elif method == "Runtime.exceptionThrown":
                page.errors.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                page.errors.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                page.errors.append(params["entry"].get("text", "")[:500])
            elif method == "Network.loadingFailed":
                page.errors.append(f"loading failed: {params.get('errorText')}")
        return page

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dump_dom(binary: str, url: str) -> str:
    """``chromium --dump-dom URL``: the DOM after parsing, as Chromium serialises it."""
    with tempfile.TemporaryDirectory(prefix="hemscore-chromium-") as profile:
        done = subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )
    return done.stdout


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page of a PDF, by ``pdftotext``."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = done.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@dataclass
class Spec:
    """A page to visit: the file ``html``, written first by ``hemscore ARGV`` when given (to
    ``-o html``, or from its stdout with ``stdout``); ``visit`` False: only written."""

    name: str
    html: str
    argv: list[str] | None = None
    stdout: bool = False
    pdf: bool = True
    png: bool = True
    visit: bool = True


def _write(spec: Spec) -> None:
    import contextlib
    import io

    from hemscore.__main__ import main

    if spec.argv is None:
        return
    out, err = io.StringIO(), io.StringIO()
    argv = spec.argv if spec.stdout else [*spec.argv, "-o", spec.html, "--force"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    if code not in (0, 1):
        raise RuntimeError(f"hemscore {' '.join(argv)}: exit {code}: {err.getvalue()}")
    if spec.stdout:
        Path(spec.html).write_text(out.getvalue(), encoding="utf-8")


def _prefetch(specs_file: Path, out: Path) -> None:
    """The prefetching process: write and visit every page, saving what the tests read."""
    specs = [Spec(**s) for s in json.loads(specs_file.read_text(encoding="utf-8"))]
    binary = chromium()
    if binary is None:
        sys.exit("no chromium")
    for spec in specs:
        _write(spec)
    with Browser(binary) as browser:
        for spec in specs:
            if not spec.visit:
                continue
            page = browser.visit(Path(spec.html).as_uri(), pdf=spec.pdf, png=spec.png)
            (out / f"{spec.name}.png").write_bytes(page.png)
            (out / f"{spec.name}.pdf").write_bytes(page.pdf)
            data = {"url": page.url, "dom": page.dom, "errors": page.errors}
            data["requests"] = page.requests
            (out / f"{spec.name}.json").write_text(json.dumps(data), encoding="utf-8")
    (out / "done").write_text("", encoding="utf-8")


class Prefetch:
    """The prefetching process: started with the pages to visit, read once it is done."""

    def __init__(self, specs: list[Spec], folder: Path) -> None:
        from dataclasses import asdict

        self.folder = folder
        self.out = folder / "visited"
        self.out.mkdir()
        spec_file = folder / "specs.json"
        spec_file.write_text(json.dumps([asdict(s) for s in specs]), encoding="utf-8")
        home = folder / "home"
        home.mkdir()
        self.log = open(folder / "prefetch.log", "wb")  # noqa: SIM115
        env = {**os.environ, "HOME": str(home)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.browser", "--prefetch", str(spec_file), str(self.out)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self) -> None:
        code = self.proc.wait(timeout=TIMEOUT * 5)
        if code != 0 or not (self.out / "done").exists():
            self.log.flush()
            tail = (self.folder / "prefetch.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the browser pages were not prefetched (exit {code}):\n{tail}")

    def page(self, name: str) -> Page:
        self.wait()
        data = json.loads((self.out / f"{name}.json").read_text(encoding="utf-8"))
        page = Page(data["url"], dom=data["dom"], errors=data["errors"])
        page.requests = data["requests"]
        page.png = (self.out / f"{name}.png").read_bytes()
        page.pdf = (self.out / f"{name}.pdf").read_bytes()
        return page

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def screenshots(out: Path) -> None:  # pragma: no cover - run by hand for docs/img
    """Render the examples and keep their screenshots in ``out``: the assessment report in
    English and Chinese, and one page of each analysis command (tests/analysis_pages.py)."""
    from hemscore.__main__ import main

    from .analysis_pages import COMMANDS, render

    binary = chromium()
    if binary is None:
        sys.exit("no chromium")
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp, Browser(binary, 1200, 1500) as browser:
        for name, lang in (("china-2022", "en"), ("japan-2022", "zh")):
            html = Path(tmp) / f"{name}.{lang}.html"
            main(
                ["assess", str(root / "examples" / f"{name}.toml"), "-f", "html"]
                + ["--lang", lang, "-o", str(html), "--quiet"]
            )
            page = browser.visit(html.as_uri(), pdf=False, small=True)
            (out / f"report-{name}-{lang}.png").write_bytes(page.png)
        for command, args in COMMANDS.items():
            html = render(args, "en", Path(tmp) / f"{command}.html")
            page = browser.visit(html.as_uri(), pdf=False, small=True)
            (out / f"{command}-en.png").write_bytes(page.png)


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:2] == ["--prefetch"]:
        _prefetch(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        screenshots(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img"))
