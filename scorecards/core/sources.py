"""Read YAML data files while remembering where every value came from.

PyYAML quietly keeps the last of two duplicate keys and forgets line numbers once a
document is turned into Python values. Composing the node tree ourselves keeps both:
duplicates become problems, and each path into the document maps to its line.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file, located as precisely as possible."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Source:
    """A parsed YAML document with the line of every path into it."""

    file: str
    data: object
    lines: dict[Path, int]

    def line_of(self, path: Path) -> int:
        """Return the line of the longest prefix of path that exists in the document."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1

    def problem(self, path: Path, message: str) -> Problem:
        """Return a problem located at path."""
        return Problem(self.file, self.line_of(path), format_path(path), message)


class SourceError(Exception):
    """Raised when a file cannot be read as YAML at all; carries its problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def format_path(path: Path) -> str:
    """Return a path such as ('competencies', 2, 'weight') as competencies[2].weight."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


def load_source(text: str, file: str) -> Source:
    """Parse one YAML document, raising SourceError on syntax errors or duplicate keys."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        message = error.problem or str(error)
        raise SourceError([Problem(file, line, "(yaml)", f"syntax error: {message}")]) from None
    if node is None:
        raise SourceError([Problem(file, 1, "(document)", "the file is empty")])
    builder = _Builder(file)
    data = builder.build(node, ())
    if builder.problems:
        raise SourceError(builder.problems)
    return Source(file, data, builder.lines)


class _Builder:
    """Turn a composed node tree into plain values, recording lines and duplicate keys."""

    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path) -> object:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(self.file, key_node.start_mark.line + 1, format_path(path),
                            "merge keys (<<) are not supported")
                )
                continue
            key = self._constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                self.problems.append(
                    Problem(self.file, key_node.start_mark.line + 1, format_path(path),
                            "keys must be plain words or numbers")
                )
                continue
            child = (*path, key)
            if key in result:
                first = self.lines.get(child)
                self.problems.append(
                    Problem(self.file, key_node.start_mark.line + 1, format_path(child),
                            f"duplicate key (first defined on line {first})")
                )
                continue
            self.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
            self.lines[child] = key_node.start_mark.line + 1
        return result
