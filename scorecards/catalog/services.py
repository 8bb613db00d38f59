"""Read rubric files, check them, and store new versions of what changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from .. import audit
from ..core.rubric import Catalog, Loop, Rubric, is_loop_file, load_catalog, parse_catalog
from ..core.sources import Problem
from ..extensions import db
from ..models import LoopVersion, RubricVersion, User

YAML_SUFFIXES = (".yaml", ".yml")


def read_files(paths: list[Path], base: Path | None = None) -> dict[str, str]:
    """Return name -> text of the YAML files at these paths, descending into folders.

    Names are relative to base when they lie inside it, so messages stay short.
    """
    files: dict[str, str] = {}
    for path in paths:
        found = sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES) \
            if path.is_dir() else [path]
        for file in found:
            files[_display_name(file, base)] = file.read_text(encoding="utf-8")
    return files


def _display_name(file: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return str(file.resolve().relative_to(base.resolve().parent))
        except ValueError:
            pass
    return str(file)


def check_files(paths: list[Path], rubrics_dir: Path) -> list[Problem]:
    """Return every problem in these files; loops may also name rubrics of rubrics_dir."""
    files = read_files(paths, rubrics_dir)
    known = _rubric_keys(rubrics_dir) if any(is_loop_file(name) for name in files) else set()
    _, problems = parse_catalog(files, known)
    return problems


def _rubric_keys(rubrics_dir: Path) -> set[str]:
    files = read_files([rubrics_dir], rubrics_dir) if rubrics_dir.is_dir() else {}
    catalog, _ = parse_catalog({n: t for n, t in files.items() if not is_loop_file(n)})
    return set(catalog.rubrics)


@dataclass(frozen=True)
class Change:
    """What syncing did to one rubric or loop."""

    kind: str  # "rubric" or "loop"
    key: str
    version: int
    previous: int | None  # None for a new key; equal to version when unchanged

    def __str__(self) -> str:
        if self.previous is None:
            return f"{self.kind} {self.key}: new, stored as version {self.version}"
        if self.previous == self.version:
            return f"{self.kind} {self.key}: unchanged (version {self.version})"
        return f"{self.kind} {self.key}: changed, stored version {self.version} " \
               f"(was {self.previous})"


def sync_catalog(rubrics_dir: Path, actor: User | None = None) -> list[Change]:
    """Store a new version of every rubric and loop whose content changed.

    All files are validated first; if any is invalid, RubricError is raised and nothing
    is stored.
    """
    catalog = load_catalog(read_files([rubrics_dir], rubrics_dir))
    changes = _store(catalog)
    stored = [change for change in changes if change.previous != change.version]
    if stored:
        audit.record(actor, "catalog.sync", None,
                     stored=[f"{c.kind}:{c.key}:v{c.version}" for c in stored])
    db.session.commit()
    return changes


def _store(catalog: Catalog) -> list[Change]:
    changes: list[Change] = []
    for kind, model_class, items in (("rubric", RubricVersion, catalog.rubrics),
                                     ("loop", LoopVersion, catalog.loops)):
        for key, model in sorted(items.items()):
            changes.append(_store_one(kind, model_class, key, model))
    return changes


def _store_one(kind: str, model_class, key: str, model: Rubric | Loop) -> Change:
    latest = _latest(model_class, key)
    if latest is not None and latest.content_hash == model.content_hash:
        return Change(kind, key, latest.version, latest.version)
    # A file changed back to earlier content still gets a new version: versions only ever
    # grow, and the newest is always what the file says now.
    version = latest.version + 1 if latest else 1
    db.session.add(model_class(key=key, version=version, content_hash=model.content_hash,
                               title=model.title, document=model.model_dump(mode="json")))
    return Change(kind, key, version, latest.version if latest else None)


def _latest(model_class, key: str):
    return db.session.scalar(
        sa.select(model_class).where(model_class.key == key)
        .order_by(model_class.version.desc()).limit(1)
    )


def latest_rubric_version(key: str) -> RubricVersion | None:
    """Return the newest stored version of a rubric."""
    return _latest(RubricVersion, key)


def rubric_version(key: str, version: int | None = None) -> tuple[RubricVersion, int] | None:
    """Return a stored version of a rubric (the newest for None) and the newest's number.

    None when the rubric or that version does not exist.
    """
    newest = latest_rubric_version(key)
    if newest is None or version in (None, newest.version):
        return None if newest is None else (newest, newest.version)
    found = db.session.scalar(sa.select(RubricVersion).where(
        RubricVersion.key == key, RubricVersion.version == version))
    return None if found is None else (found, newest.version)


def latest_loop_version(key: str) -> LoopVersion | None:
    """Return the newest stored version of a loop."""
    return _latest(LoopVersion, key)


def newest_rubrics() -> Callable[[str], Rubric | None]:
    """Return a lookup of each rubric's newest stored version, asking the database once per key.

    Made anew for each page or file, so a rubric stored meanwhile shows in the next one.
    """
    found: dict[str, Rubric | None] = {}

    def newest(key: str) -> Rubric | None:
        if key not in found:
            version = latest_rubric_version(key)
            found[key] = rubric_of(version) if version is not None else None
        return found[key]

    return newest


# Stored versions never change, so each content is parsed once per process.
_parsed: dict[tuple[str, str], Rubric | Loop] = {}


def rubric_of(version: RubricVersion) -> Rubric:
    """Return the parsed rubric of a stored version."""
    key = ("rubric", version.content_hash)
    if key not in _parsed:
        _parsed[key] = Rubric.model_validate(_document(version))
    return _parsed[key]


def loop_of(version: LoopVersion) -> Loop:
    """Return the parsed loop of a stored version."""
    key = ("loop", version.content_hash)
    if key not in _parsed:
        _parsed[key] = Loop.model_validate(_document(version))
    return _parsed[key]


def _document(version: RubricVersion | LoopVersion) -> dict:
    """Load a version's deferred document without flushing the caller's half-built objects."""
    with db.session.no_autoflush:
        return version.document
