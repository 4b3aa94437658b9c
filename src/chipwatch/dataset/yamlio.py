"""YAML reading that remembers line numbers, so every problem can name file:line, and that
refuses hostile documents while composing them, before anything is built or expanded: nesting
deeper than MAX_DEPTH, aliases that repeat more than MAX_REPEATED values in all (a 1.6 KB
"billion laughs" repeats 10^9) or that point into their own ancestor, scalars longer than
MAX_SCALAR characters, more than MAX_NODES values in one file. Every problem, including a value the safe constructors cannot read
(an integer of 5,000 digits, a bad !!timestamp, a list as a key), is one ChipwatchError line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chipwatch.errors import ChipwatchError, excerpt, first_line

MAX_DEPTH = 64  # nested mappings and sequences; a dataset record needs about 5
MAX_REPEATED = 10_000  # values that aliases may repeat, in all
MAX_SCALAR = 1 << 20  # characters in one value
MAX_NODES = 100_000  # values in one file: the largest bundled file has about 3,000 (composing 10^5 takes seconds)


class LineDict(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list


def _refuse(problem: str, mark) -> yaml.composer.ComposerError:
    return yaml.composer.ComposerError(None, None, problem, mark)


def _size(node: yaml.Node) -> int:
    """Values in `node` once its aliases are expanded (its children were measured already)."""
    if isinstance(node, yaml.SequenceNode):
        return 1 + sum(child.size for child in node.value)
    if isinstance(node, yaml.MappingNode):
        return 1 + sum(k.size + v.size for k, v in node.value)
    return 1


try:  # libyaml's parser (in PyYAML's wheels) under PyYAML's own composer: 5x faster, the same nodes
    from yaml._yaml import CParser as _Parser

    LIBYAML = True
except ImportError:  # pragma: no cover - a PyYAML built without libyaml
    from yaml.parser import Parser as _Parser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    LIBYAML = False


class _Loader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe loader with limits (see the module), that keeps dates as text (partial dates are
    validated by the model). The composer is PyYAML's, so the limits are checked as each node
    is composed, before anything is constructed."""

    def __init__(self, stream):
        if LIBYAML:
            _Parser.__init__(self, stream)
        else:  # pragma: no cover
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.depth, self.repeated, self.nodes = 0, 0, 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR:
            raise _refuse(f"a value of {len(event.value):,} characters (at most {MAX_SCALAR:,}); shorten it", event.start_mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _refuse(f"more than {MAX_NODES:,} values in one file; split it into several files", event.start_mark)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _refuse(f"nested more than {MAX_DEPTH} levels deep; a record needs a few levels", event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        node.size = _size(node)
        return node

    def _count_alias(self, event: yaml.AliasEvent) -> None:
        node = self.anchors.get(event.anchor)
        if node is None:
            return  # PyYAML says: found undefined alias
        if not hasattr(node, "size"):
            raise _refuse(f"alias *{excerpt(event.anchor)} is inside its own anchor (a structure that contains "
                          "itself); write the value out", event.start_mark)
        self.repeated += node.size
        if self.repeated > MAX_REPEATED:
            raise _refuse(f"aliases repeat more than {MAX_REPEATED:,} values (an alias bomb?); write the values out "
                          "or use fewer aliases", event.start_mark)

    def construct_object(self, node, deep=False):
        """A value; one the safe constructors cannot read is a marked error, not a traceback."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            tag = excerpt(node.tag.rsplit(":", 1)[-1], 30)
            shown = f"'{excerpt(node.value)}'" if isinstance(node, yaml.ScalarNode) else f"this {node.id}"
            why = f" ({first_line(exc, 60)})" if isinstance(exc, (ValueError, OverflowError)) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown} is not a valid {tag}{why}; quote it to keep it as text", node.start_mark) from None


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"a key is a {key_node.id}; keys are plain words (id, names, …)", key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {excerpt(repr(key))}; keep one", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error becomes one ChipwatchError line with file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChipwatchError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ChipwatchError(f"{path}: is a directory, expected a YAML file") from None
    except UnicodeDecodeError as exc:
        raise ChipwatchError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader constructs safely
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = exc.problem or exc.context or "malformed YAML"
        if "maximum nesting depth" in what:  # libyaml's own limit (1,000), met before ours
            what = f"nested more than {MAX_DEPTH} levels deep; a record needs a few levels"
        raise ChipwatchError(f"{path}{line}: malformed YAML: {excerpt(what, 200)}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control character
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        # libyaml counts bytes of the UTF-8 text, PyYAML characters
        line = (text.encode("utf-8")[:exc.position].count(b"\n") if LIBYAML else text.count("\n", 0, exc.position)) + 1
        raise ChipwatchError(f"{path}:{line}: malformed YAML: character U+{ord(char):04X} is not allowed in YAML; "
                             "remove it or write it as an escape in a double-quoted value") from None
    except yaml.YAMLError as exc:
        raise ChipwatchError(f"{path}: malformed YAML: {first_line(exc)}") from None


def line_of(node: Any, path: tuple = ()) -> int:
    """The line of the value at `path` (keys and indexes) inside a loaded document."""
    line = getattr(node, "line", 0)
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
