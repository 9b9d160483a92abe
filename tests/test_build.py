"""End to end: `python build.py` on a small project, as an author runs it."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import run_build

NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/2000/xmlns/")


class Links(HTMLParser):
    """Every URL the page would load (not links a reader may follow)."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.loads.append(attrs["src"])
        loaded_links = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
        if tag == "link" and attrs.get("href") and loaded_links & set((attrs.get("rel") or "").split()):
            self.loads.append(attrs["href"])
        for name in ("data-spec", "data-vega", "data-runtime"):
            if attrs.get(name):
                self.loads.append(attrs[name])


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_build_writes_the_story_and_every_chart_output(project):
    root = project("basic")
    result = run_build(cwd=root)

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Built 2 chapters, 1 chart, \d+ files into dist in \d+\.\d\d s\n", result.stdout)
    dist = root / "dist"
    html = (dist / "index.html").read_text(encoding="utf-8")
    page = parse(html)
    assert {"intro", "the-end", "sources"} <= set(page.ids)
    assert '<a href="#intro">Introduction</a>' in html and '<a href="#the-end">More: the end</a>' in html
    assert "<h2 id=\"summary-title\">What you need to know</h2>" in html
    assert "<cite>Made-up numbers</cite>" in html
    for suffix in (".vl.json", ".vg.json", ".svg", ".png"):
        assert (dist / "charts" / f"dots{suffix}").stat().st_size > 0
    images = re.findall(r'<img class="chart-static"[^>]* src="([^"]+)"[^>]*alt="([^"]*)"', html)
    assert len(images) == 2  # the scrolly section and the standalone figure
    for src, alt in images:
        assert (dist / src).read_text().startswith("<svg")
    # what the chart is, then what its state shows: the first step sets focus and zoom
    assert images[0][1] == "Three dots at (1, 2), (2, 3) and (3, 1). Three dots, now with focus “b”, zoom 2."
    for url in page.loads:
        if not url.startswith("data:"):
            assert (dist / url).is_file(), url


def test_each_scrolly_section_first_paints_its_first_steps_state(basic_site):
    html = (basic_site / "index.html").read_text(encoding="utf-8")
    section = html[html.index('<section class="scrolly"'):]
    svg_url = re.search(r'<img class="chart-static"[^>]* src="([^"]+)"', section).group(1)
    svg = (basic_site / svg_url).read_text()
    default = (basic_site / "charts" / "dots.svg").read_text()
    assert svg != default  # the first step puts dot b in focus: its colour differs
    assert svg.count("#9b2c1f") > default.count("#9b2c1f")


def test_nothing_is_loaded_from_another_host(basic_site):
    """Pages load only local files; scripts, styles and specs name no other host at all."""
    for file in basic_site.rglob("*"):
        text = file.read_text(encoding="utf-8") if file.suffix in (".html", ".css", ".js", ".json", ".svg") else ""
        if file.suffix == ".html":
            for url in parse(text).loads:
                assert not re.match(r"^(https?:)?//", url), f"{file.relative_to(basic_site)} loads {url}"
        else:
            for url in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text):
                assert url.startswith(NAMESPACES) or "vega.github.io/schema" in url, f"{file.name}: {url}"


def test_two_builds_are_byte_identical(project, tmp_path):
    root = project("basic")
    assert run_build("--out", str(tmp_path / "one"), cwd=root).returncode == 0
    shutil.rmtree(root / ".scrolly-cache")
    assert run_build("--out", str(tmp_path / "two"), cwd=root).returncode == 0

    def tree(folder: Path):
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_rebuild_replaces_the_whole_output(project):
    root = project("basic")
    assert run_build(cwd=root).returncode == 0
    (root / "dist" / "stale.html").write_text("from an old build")
    (root / "content" / "02-more.md").unlink()

    assert run_build(cwd=root).returncode == 0

    assert not (root / "dist" / "stale.html").exists()
    assert 'id="the-end"' not in (root / "dist" / "index.html").read_text()


def test_site_option_builds_another_folder_and_check_writes_nothing(project, tmp_path):
    root = project("basic")
    result = run_build("check", "--site", str(root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Checked 2 chapters, 1 chart: no problems")
    assert not (root / "dist").exists() and not (root / ".scrolly-cache").exists()

    result = run_build("build", "--site", str(root), "--out", str(tmp_path / "public"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "public" / "index.html").is_file()


def test_help_lists_the_commands(tmp_path):
    result = run_build("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("build", "check", "serve"))
    result = run_build("build", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--out DIR" in result.stdout


def test_a_slow_build_shows_progress_on_a_terminal_and_nothing_extra_otherwise(project):
    import os
    import pty
    import subprocess
    import sys

    from conftest import REPO

    root = project("basic")
    dots = root / "charts" / "dots.py"
    dots.write_text(dots.read_text().replace("def chart():\n", "def chart():\n    __import__('time').sleep(1.5)\n"))
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, str(REPO / "build.py")], cwd=root, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=120) == 0
    text = output.decode()
    assert "1 of 1 charts compiled" in text
    assert text.replace("\x1b[K", "").rstrip().splitlines()[-1].startswith("Built 2 chapters")

    quiet = run_build(cwd=root)
    assert quiet.stderr == "" and quiet.stdout.startswith("Built 2 chapters")


def test_the_vega_runtime_is_bundled_once_per_machine_and_shared_by_projects(project, tmp_path):
    user_cache = tmp_path / "user-cache"
    first = project()
    assert run_build(cwd=first, env={"XDG_CACHE_HOME": str(user_cache)}).returncode == 0
    [bundle] = (user_cache / "scrolly").glob("vega-*.js")
    bundle.write_bytes(bundle.read_bytes() + b"\n/* from the user cache */\n")
    second = tmp_path / "second"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))

    result = run_build(cwd=second, env={"XDG_CACHE_HOME": str(user_cache)})

    assert result.returncode == 0, result.stderr
    [served] = (second / "dist" / "assets").glob("vega.*.js")
    assert served.read_bytes().endswith(b"/* from the user cache */\n")


def test_a_user_cache_that_cannot_be_written_only_costs_time(project, tmp_path):
    root = project()
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("")

    first = run_build(cwd=root, env={"XDG_CACHE_HOME": str(not_a_folder)})
    shutil.rmtree(root / "dist")
    second = run_build(cwd=root, env={"XDG_CACHE_HOME": str(not_a_folder)})

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert list((root / ".scrolly-cache").glob("vega-*.js")), "the bundle is kept in the project's cache instead"
    assert list((root / "dist" / "assets").glob("vega.*.js"))


def test_replacing_every_worker_after_each_task_builds_the_same_site(project, tmp_path):
    """SCROLLY_WORKER_MEMORY_MB below any worker's size: states are drawn on a fresh worker, sent the chart."""
    root = project("basic")
    assert run_build("--out", str(tmp_path / "kept"), cwd=root).returncode == 0
    shutil.rmtree(root / ".scrolly-cache")
    result = run_build("--out", str(tmp_path / "replaced"), cwd=root, env={"SCROLLY_WORKER_MEMORY_MB": "1"})
    assert result.returncode == 0, result.stderr

    def tree(folder: Path):
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert tree(tmp_path / "replaced") == tree(tmp_path / "kept")


def test_a_setting_that_is_not_a_number_is_named_before_anything_runs(project):
    root = project("basic")
    result = run_build(cwd=root, env={"SCROLLY_WORKER_MEMORY_MB": "lots", "SCROLLY_CHART_TIME_LIMIT": "0",
                                      "SCROLLY_CHART_MEMORY_LIMIT_MB": "-5"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "SCROLLY_CHART_TIME_LIMIT=0: expected a number of seconds above 0",
        "SCROLLY_WORKER_MEMORY_MB=lots: expected a number of megabytes above 0",
        "SCROLLY_CHART_MEMORY_LIMIT_MB=-5: expected a number of megabytes above 0",
    ]
    assert not (root / "dist").exists()


def test_a_param_with_a_non_ascii_name_can_be_set_by_a_step(project):
    root = project("basic")
    for name, old, new in (("charts/dots.py", 'name="zoom"', 'name="zoöm"'), ("content/01-intro.md", "zoom=2", "zoöm=2 größe_2=1")):
        path = root / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = run_build(cwd=root)
    assert result.returncode == 1  # the chart has no größe_2: the step's names were read
    assert result.stderr.splitlines()[0] == "content/01-intro.md:8: chart 'dots' has no param 'größe_2' (its params: focus, zoöm, day)"

    (root / "content" / "01-intro.md").write_text((root / "content" / "01-intro.md").read_text(encoding="utf-8").replace(" größe_2=1", ""), encoding="utf-8")
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert "&#34;zoöm&#34;: 2" in html
