"""YAML for files from others: the safe loader, with aliases and nesting capped.

``yaml.safe_load`` runs no code, but a 528-byte document of nested aliases
("billion laughs") expands to billions of nodes once anything walks it, and
a few thousand nested brackets end in ``RecursionError``. Every YAML file
coder reads (codebooks, front matter, survey label files, pseudonym maps)
goes through :class:`SafeLoader`, which refuses, as a ``yaml.YAMLError`` with
a line number:

* more than ``MAX_ALIASES`` aliases (``*name``) in one document;
* a document that would expand to more than ``MAX_NODES`` nodes;
* nesting deeper than ``MAX_DEPTH`` levels.

The limits are far above anything a person writes by hand.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import CollectionNode, MappingNode, Node

MAX_ALIASES = 100
MAX_NODES = 200_000
MAX_DEPTH = 100


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML document over one of the limits above."""


class SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with the alias, size and depth limits of this module."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """Count aliases and nesting while the document is composed."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlLimitError(
                    problem=f"more than {MAX_ALIASES} aliases (*name); write the values out",
                    problem_mark=mark,
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        """The document's root node, refused when its aliases expand it too far."""
        node: Node | None = super().compose_document()
        if node is not None and expanded_size(node) > MAX_NODES:
            raise YamlLimitError(
                problem=f"aliases expand this document to more than {MAX_NODES:,} values",
                problem_mark=node.start_mark,
            )
        return node


def expanded_size(root: Node) -> int:
    """How many nodes ``root`` holds once every alias is expanded (shared nodes counted each time)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    # Iterative post-order walk: shared (aliased) nodes are sized once, so this
    # stays linear in the file; a node that contains itself is endless.
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if done or not children:
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            open_nodes.discard(id(node))
            if sizes[id(node)] > MAX_NODES:
                return sizes[id(node)]
            continue
        if id(node) in open_nodes:
            return MAX_NODES + 1  # an alias to one of its own ancestors
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, CollectionNode):
        return list(node.value)
    return []


def load_yaml(text: str) -> Any:
    """Parse one YAML document with :class:`SafeLoader` (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=SafeLoader)


def describe(exc: yaml.YAMLError) -> str:
    """A one-line account of a YAML error: ``line N: problem``."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}: {problem}" if mark is not None else str(problem)
