"""site.toml: read once, validated at the edge."""

import datetime as dt
from pathlib import Path

import pytest

from scrolly.config import load_config
from scrolly.problems import ProjectError


def write_site(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_every_key_is_read(tmp_path):
    root = write_site(tmp_path, '''
title = "T"
dek = "D"
byline = "B"
date = 2023-07-20
language = "fr"
base_url = "https://example.org/story"
chapters = ["b", "a"]
summary = ["one", "two"]
[[sources]]
title = "Report"
author = "A. Writer"
url = "https://example.org/report"
''')
    config = load_config(root)
    assert (config.title, config.dek, config.byline, config.language) == ("T", "D", "B", "fr")
    assert config.date == dt.date(2023, 7, 20)
    assert config.base_url == "https://example.org/story/"
    assert config.chapters == ("b", "a")
    assert config.summary == ("one", "two")
    assert config.sources[0].title == "Report" and config.sources[0].author == "A. Writer"


def test_defaults(tmp_path):
    config = load_config(write_site(tmp_path, 'title = "Only a title"\n'))
    assert config.language == "en" and config.chapters is None and config.sources == () and config.date is None


def problems(tmp_path, text):
    with pytest.raises(ProjectError) as caught:
        load_config(write_site(tmp_path, text))
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


def test_all_problems_are_reported_with_the_line_of_their_key(tmp_path):
    assert problems(tmp_path, 'title = "T"\nchapter = ["a"]\ndate = "soon"\nbase_url = "example.org"\n') == [
        "2: unknown key 'chapter' in site.toml (did you mean 'chapters'?); known keys: title, dek, byline, date, language, base_url, chapters, summary, sources, typographer, dark_mode, theme, layout",
        "3: key 'date' must be a date like 2023-07-20, got 'soon'",
        "4: key 'base_url' must start with http:// or https://, got 'example.org'",
    ]


def test_a_missing_title_is_named(tmp_path):
    assert problems(tmp_path, 'dek = "D"\n') == ["1: missing key 'title': the story needs a headline"]


def test_wrong_types_name_the_expected_type(tmp_path):
    assert problems(tmp_path, 'title = true\nsummary = "one"\n') == [
        "1: key 'title' must be a string, got a boolean",
        "2: key 'summary' must be a list of strings, got a string",
    ]


def test_source_entries_are_checked_too(tmp_path):
    assert problems(tmp_path, 'title = "T"\n[[sources]]\nauthor = "X"\n\n[[sources]]\ntitle = "Y"\nlink = "u"\n') == [
        "2: a [[sources]] entry needs a 'title'",
        "7: unknown key 'link' in [[sources]]; known keys: title, publisher, author, date, url, note",
    ]


def test_missing_file(tmp_path):
    with pytest.raises(ProjectError) as caught:
        load_config(tmp_path)
    assert "site.toml not found" in str(caught.value)


def test_source_links_may_be_web_mail_or_relative_addresses_and_nothing_else(tmp_path):
    good = ["https://example.org/a", "HTTP://example.org", "mailto:desk@example.org", "../notes.html", "#sources", "report.pdf", ""]
    text = 'title = "T"\n' + "".join(f'[[sources]]\ntitle = "S"\nurl = "{url}"\n' for url in good)
    assert [source.url for source in load_config(write_site(tmp_path, text)).sources] == good
    bad = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "\\u0001javascript:x", "file:///etc/passwd"]
    text = 'title = "T"\n' + "".join(f'[[sources]]\ntitle = "S"\nurl = "{url}"\n' for url in bad)
    assert [p.split(": ")[0] for p in problems(tmp_path, text)] == ["4", "7", "10", "13", "16"]
