"""Reading chapters faster changes nothing an author sees: the same pages, the same problems."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from scrolly.config import load_config
from scrolly.content import _configured, _options, markdown, read_chapters
from scrolly.problems import ProjectError
from scrolly import spare
from scrolly.spare import WORTH_IT, map_with_spare_core

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PIECES = [
    "|", "```", "~~~", ">", "<", "{", "}", ":::", "[^", "]:", "#", "\\", "`", "*", "_", "[", "]", "(", ")", "!",
    "^", "&", "&amp;", "<b>", "</b>", "{.note}", "\n", "\n\n", " ", "    ", "\t", "-", "1.", "=", "word", "'", '"',
    "--", "...", "(c)", "![a](b.png)", "[x]: /u", "[^1]", "[^1]: note", "^[inline]", "<https://a.b>", "::: step",
    ":::", "::::", ":::: scrolly c", "---\ntitle: T\n---\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "\r\n", "\0",
]


def _all_rules(html: bool, typographer: bool) -> MarkdownIt:
    return _configured(MarkdownIt("commonmark", _options(html, typographer)), typographer)


@pytest.mark.parametrize("html, typographer", [(True, True), (True, False), (False, True), (False, False)])
def test_a_text_is_parsed_to_the_same_tokens_as_with_every_rule(html, typographer):
    lean, full = markdown(html, typographer), _all_rules(html, typographer)
    rng = random.Random(f"{html}{typographer}")
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(1500)]
    texts += [path.read_text(encoding="utf-8", errors="replace") for path in sorted(FIXTURES.rglob("*.md")) if path.is_file()]
    for text in texts:
        ours, theirs = lean.parse(text, {}), full.parse(text, {})
        assert [token.as_dict() for token in ours] == [token.as_dict() for token in theirs], repr(text)
        assert lean.renderer.render(ours, lean.options, {}) == full.renderer.render(theirs, full.options, {})


@pytest.fixture
def spare_core(monkeypatch):
    """A helper is used whatever the machine's load (it is left out on a busy machine)."""
    monkeypatch.setattr(spare, "_spare_core_possible", lambda: True)


def test_work_shared_with_a_helper_gives_the_same_results_in_order(spare_core):
    items = list(range(3000))
    assert map_with_spare_core(lambda n: (n, str(n) * 3), items, WORTH_IT) == [(n, str(n) * 3) for n in items]


def test_an_item_that_fails_fails_as_it_would_without_a_helper(spare_core):
    def work(n):
        if n in (700, 2900):
            raise ValueError(f"cannot do {n}")
        return n

    with pytest.raises(ValueError, match="cannot do 700"):
        map_with_spare_core(work, list(range(3000)), WORTH_IT)


def _many_chapters(root: Path, count: int) -> None:
    (root / "content").mkdir(parents=True)
    (root / "site.toml").write_text('title = "Many"\n', encoding="utf-8")
    rng = random.Random(count)
    for number in range(1, count + 1):
        words = " ".join(rng.choice(["alpha", "*beta*", "gamma", "[delta](https://x.org)", "'eps'", "--"]) for _ in range(400))
        front = f"---\ntitle: Chapter {number}\n---\n" if number % 97 else "no front matter\n"
        steps = "\n:::: scrolly trend\n::: step focus=north\nBad value.\n:::\n::::\n" if number % 89 == 0 else ""
        slug = "chapter-1" if number == 150 else f"chapter-{number}"  # one anchor used twice
        (root / "content" / f"{number:04d}-{slug}.md").write_text(f"{front}\n{words}\n\n## Part\n\n- a\n- b\n{steps}", encoding="utf-8")


def _read(root: Path, spare_core: bool):
    try:
        return read_chapters(load_config(root), None, spare_core), []
    except ProjectError as err:
        return err.partial, [str(problem) for problem in err.problems]


def test_chapters_read_with_a_helper_are_the_same_with_the_same_problems(tmp_path, spare_core):
    _many_chapters(tmp_path, 400)
    alone, problems_alone = _read(tmp_path, False)
    shared, problems_shared = _read(tmp_path, True)
    assert len(alone) == 400 and problems_alone
    assert any("missing front matter" in problem for problem in problems_alone)
    assert any("already used by" in problem for problem in problems_alone)
    assert shared == alone
    assert problems_shared == problems_alone
