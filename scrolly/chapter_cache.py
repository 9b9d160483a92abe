"""Chapters read before, kept by the content they came from.

Parsing Markdown is most of reading a chapter (about half a millisecond each, a
thousand chapters half a second); a chapter whose text, file name and images are as
they were, read by the same scrolly and Markdown packages with the same typographer
setting, is taken as it was read. Only chapters read without problems are kept, so
every problem is found afresh. The cache is one file, `.scrolly-cache/chapters.pickle`
(rewritten when a chapter was read afresh); a build session (the dev server) also keeps
it in memory between builds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .blocks import Chapter

FILE = "chapters.pickle"
VERSION = b"1"


class ChapterCache:
    """The chapters of the last read, by key; `folder` None keeps them in memory only."""

    def __init__(self, folder: Path | None, write: bool = True):
        self.folder = folder
        self.write = write
        self.known: dict[str, Chapter] | None = None  # read from the file when first needed
        self.used: dict[str, Chapter] = {}  # what this read took or made
        self._engine: bytes | None = None

    def key(self, path: Path, text: str, typographer: bool) -> str:
        digest = hashlib.sha256(self.engine())
        digest.update(b"typographer" if typographer else b"as typed")
        digest.update(b"\0" + str(path).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(text.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def engine(self) -> bytes:
        """What every chapter depends on besides its own file: scrolly's code and the
        installed packages (markdown-it-py and its plugins among them)."""
        if self._engine is None:
            from .unchanged import installed

            here = Path(__file__).parent
            code = b"".join(path.read_bytes() for path in sorted(here.glob("*.py")))
            self._engine = VERSION + hashlib.sha256(code).digest() + installed()
        return self._engine

    def get(self, key: str) -> Chapter | None:
        """The chapter read before under this key, if its images are still as they were."""
        if self.known is None:
            self.known = self._load()
        chapter = self.known.get(key)
        if chapter is None or not all(_unchanged(image) for image in chapter.images):
            return None
        self.used[key] = chapter
        return chapter

    def put(self, key: str, chapter: Chapter) -> None:
        self.used[key] = chapter

    def finish(self, save: bool) -> None:
        """Keep this read's chapters (and only those) for the next read; with `save`, on
        disk too if any was read afresh (a build that fails, or writes nothing, saves none)."""
        if not self.used:
            return
        known = self.known or {}
        changed = self.used.keys() != known.keys()
        self.known, self.used = {**known, **self.used} if not save else self.used, {}
        if not save or not changed or self.folder is None or not self.write:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{FILE}.{os.getpid()}"
            temporary.write_bytes(pickle.dumps(self.known, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.folder / FILE)
        except (OSError, pickle.PicklingError, RecursionError):
            pass  # a cache that cannot be written only costs time

    def _load(self) -> dict[str, Chapter]:
        if self.folder is None:
            return {}
        try:
            known = pickle.loads((self.folder / FILE).read_bytes())
        except Exception:  # missing, cut short, or from another version: read afresh
            return {}
        return known if isinstance(known, dict) else {}


def _unchanged(image) -> bool:
    try:
        return image.source.read_bytes() == image.data
    except OSError:
        return False
