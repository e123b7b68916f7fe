"""What a rebuild need not do again: a data check that passed, and the search index of pages it has indexed before.

Each is kept in the ``build_cache`` folder (``.cache/build/``; ``make clean`` removes it) under the SHA-256 of
everything it was made from (scripts/fingerprint.py), so it is used only when those are byte for byte the same:

- a **verdict** (``valid-<key>``): every file under the data folder, the validation settings with the GSS codes
  file's bytes, and the code. Only a pass is kept; a failing check runs again and prints its problems.
- a **search index** (``search-<key>/``): every HTML page of the site being indexed (its path and bytes) and the
  code, Pagefind's pinned version with it. Pagefind writes the same index from the same pages, so the copy is what
  it would write; only the newest index is kept.

Entries are written under a temporary name and renamed, so a killed build never leaves half of one.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from scripts import atomic, fingerprint

FORMAT = "1"  # bump when what an entry holds changes
SEARCH_FOLDER = "pagefind"


class BuildCache:
    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder else None

    def _key(self, kind: str, *parts: str) -> str:
        digest = hashlib.sha256(f"{FORMAT}\0{kind}\0{fingerprint.code()}".encode())
        for part in parts:
            digest.update(f"\0{part}".encode())
        return digest.hexdigest()

    def verdict_key(self, data_dir: Path, settings: dict) -> str:
        named = sorted((name, str(value)) for name, value in settings.items())
        return self._key("valid", fingerprint.folder(data_dir), repr(named), fingerprint.files(settings["gss_codes"]))

    def passed(self, key: str) -> bool:
        return self.folder is not None and (self.folder / f"valid-{key}").is_file()

    def keep_pass(self, key: str) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic.write_file(self.folder / f"valid-{key}", b"")
        except OSError:
            pass  # a cache that cannot be written (a full or read-only disk) only makes the next build check again

    def search_key(self, site: Path) -> str:
        return self._key("search", fingerprint.folder(site, ".html"))

    def restore_search(self, key: str, site: Path) -> bool:
        """Copy a kept index for exactly these pages into ``site``; False when there is none (or no cache)."""
        kept = self.folder / f"search-{key}" if self.folder is not None else None
        if kept is None or not kept.is_dir():
            return False
        try:
            shutil.copytree(kept, site / SEARCH_FOLDER)
        except OSError:  # another build replaced it meanwhile: index afresh
            shutil.rmtree(site / SEARCH_FOLDER, ignore_errors=True)
            return False
        return True

    def keep_search(self, key: str, site: Path) -> None:
        """Keep ``site``'s index for these pages, in place of any older one. Best effort: a cache that cannot be
        written (a full disk, another build keeping the same index at the same moment) is left as it was."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic.make_folder(
                self.folder / f"search-{key}",
                lambda made: shutil.copytree(site / SEARCH_FOLDER, made, dirs_exist_ok=True),
            )
        except OSError:
            pass
        for older in self.folder.glob("search-*"):
            if older.name != f"search-{key}":
                shutil.rmtree(older, ignore_errors=True)
