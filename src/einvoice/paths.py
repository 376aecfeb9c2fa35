"""The path machinery behind the term table: compiled paths, terms, and one-pass matchers.

A `Matcher` merges all the paths of one table into a tree of child steps, written out as one Python
function that walks an element's children once; anything richer than a child step (a predicate on a
child path, ``..``) falls back to `etree.XPath`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

from .namespaces import NS

Kind = Literal["text", "decimal", "date", "bool", "list", "attr", "group"]
Found = etree._Element | str
Collector = Callable[[etree._Element, dict[int, list[Found]]], None]
_STEP = re.compile(r"(\w+):([\w.-]+)(?:\[@(\w+)='([^']*)'\])?")


def _clark(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


class Path:
    """A path the matcher cannot walk (a predicate on a child path, ``..``): an XPath, one per thread."""

    __slots__ = ("_attribute", "_expression", "_local", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._expression, _, attribute = source.partition("/@")
        self._attribute = attribute or None
        self._local = threading.local()
        self._compiled()  # fail at import on a bad path, not on the first document

    def _compiled(self) -> etree.XPath:
        # lxml's compiled XPath objects are not documented as thread-safe: each thread gets its own.
        xpath: etree.XPath | None = getattr(self._local, "xpath", None)
        if xpath is None:
            xpath = self._local.xpath = etree.XPath(self._expression, namespaces=NS, smart_strings=False)
        return xpath

    def all(self, context: etree._Element) -> list[Found]:
        result = self._compiled()(context)
        elements = [item for item in result if isinstance(item, etree._Element)]  # type: ignore[union-attr]
        if self._attribute is None:
            return list(elements)
        return [value for element in elements if (value := element.get(self._attribute)) is not None]


@dataclass(frozen=True, slots=True)
class Term:
    """One business term: model ``field``, ``kind`` of value, and its paths (alternatives tried in order)."""

    bt: str
    field: str
    kind: Kind
    ubl: tuple[str, ...]
    cii: tuple[str, ...]
    required: bool = False
    label: str = ""


def term(
    bt: str,
    field: str,
    kind: Kind,
    ubl: str | tuple[str, ...] | None,
    cii: str | tuple[str, ...] | None,
    *,
    required: bool = False,
    label: str = "",
) -> Term:
    def as_tuple(paths: str | tuple[str, ...] | None) -> tuple[str, ...]:
        return () if paths is None else (paths,) if isinstance(paths, str) else paths

    return Term(bt, field, kind, as_tuple(ubl), as_tuple(cii), required, label or field.replace("_", " "))


class _Node:
    __slots__ = ("attribute_slots", "deeper", "element_slots", "guarded", "plain")

    def __init__(self) -> None:
        self.plain: dict[str, _Node] = {}
        self.guarded: dict[str, list[tuple[tuple[str, str], _Node]]] = {}
        self.element_slots: tuple[int, ...] = ()  # slots that take the element itself
        self.attribute_slots: tuple[tuple[int, str], ...] = ()  # slots that take one of its attributes
        self.deeper = False


class Matcher:
    """All the paths of one table for one syntax, merged into a tree of child steps.

    ``collect(element)`` walks only the children some path names, once, and returns the matches per
    slot in document order: far cheaper than one lookup per term. Paths that are not plain child steps
    (a predicate on a child path, ``..``) fall back to `Path` (XPath). Slots number the paths in table
    order, alternatives of a term next to each other, so the lowest slot of a term is its first choice.
    """

    def __init__(self, table: tuple[Term, ...], syntax: Literal["ubl", "cii"]) -> None:
        self.table = table
        self._root = _Node()
        self._complex: dict[int, Path] = {}
        self.slot_terms: list[Term] = []
        # slot of a second (third...) alternative -> the slots of the alternatives that win over it
        self.preferred: dict[int, tuple[int, ...]] = {}
        required: list[tuple[Term, tuple[int, ...]]] = []
        for item in table:
            sources = item.ubl if syntax == "ubl" else item.cii
            first = len(self.slot_terms)
            for alternative, source in enumerate(sources):
                slot = first + alternative
                self.slot_terms.append(item)
                if alternative:
                    self.preferred[slot] = tuple(range(first, slot))
                self._add(slot, source)
            if item.required:
                required.append((item, tuple(range(first, len(self.slot_terms)))))
        self.required = tuple(required)
        self._collect = self._compile(f"{syntax} {table[0].bt}..{table[-1].bt}" if table else syntax)

    def _add(self, slot: int, source: str) -> None:
        element_path, _, attribute = source.partition("/@")
        matches = [_STEP.fullmatch(step) for step in element_path.split("/")]
        if not all(matches):
            self._complex[slot] = Path(source)
            return
        node = self._root
        for match in matches:
            assert match is not None
            prefix, name, attr, value = match.groups()
            tag = _clark(prefix, name)
            node.deeper = True
            if not attr:
                node = node.plain.setdefault(tag, _Node())
                continue
            branches = node.guarded.setdefault(tag, [])
            for predicate, child in branches:
                if predicate == (attr, value):
                    node = child
                    break
            else:
                child = _Node()
                branches.append(((attr, value), child))
                node = child
        if attribute:
            node.attribute_slots += ((slot, attribute),)
        else:
            node.element_slots += (slot,)

    def collect(self, element: etree._Element) -> dict[int, list[Found]]:
        found: dict[int, list[Found]] = {}
        self._collect(element, found)
        for slot, path in self._complex.items():
            values = path.all(element)
            if values:
                found[slot] = values
        return found

    def _compile(self, name: str) -> Collector:
        """Generate the walk of this table as nested loops over lxml children (see `_Generator`)."""
        generator = _Generator()
        generator.children(self._root, "element", 0, "    ")
        # Constants become default arguments: local variables are the fastest lookups Python has.
        defaults = "".join(f", {name}={name}" for name in generator.constants)
        generator.lines.insert(0, f"def collect(element, found{defaults}):")
        generator.lines.append("    return None")
        namespace: dict[str, Any] = dict(generator.constants)
        code = compile("\n".join(generator.lines), f"<einvoice matcher {name}>", "exec")
        exec(code, namespace)  # noqa: S102 - code generated from our own term table, no outside input
        collector: Collector = namespace["collect"]
        return collector


class _Generator:
    """Writes a matcher's tree as plain Python: one ``for`` per level, an ``if``/``elif`` per tag.

    This is the reader's hot loop. Written out, it takes a third to a half less time than walking the
    tree of `_Node` objects with dict lookups and recursive calls (measured on 1,000-line invoices),
    which is what keeps such an invoice under the 50 ms target.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, str] = {}

    def constant(self, value: str) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def children(self, node: _Node, parent: str, depth: int, indent: str) -> None:
        child = f"c{depth}"
        self.lines.append(f"{indent}for {child} in {parent}:")
        self.lines.append(f"{indent}    tag = {child}.tag")
        keyword = "if"
        for tag in dict.fromkeys([*node.plain, *node.guarded]):  # table order: roughly document order
            self.lines.append(f"{indent}    {keyword} tag == {self.constant(tag)}:")
            keyword = "elif"
            body = indent + "        "
            if tag in node.plain:
                self.node(node.plain[tag], child, depth, body)
            for (attribute, value), branch in node.guarded.get(tag, []):
                self.lines.append(
                    f"{body}if {child}.get({self.constant(attribute)}) == {self.constant(value)}:"
                )
                self.node(branch, child, depth, body + "    ")

    def append(self, slot: int, value: str, indent: str) -> None:
        self.lines.append(f"{indent}bucket = found.get({slot})")
        self.lines.append(f"{indent}if bucket is None:")
        self.lines.append(f"{indent}    found[{slot}] = [{value}]")
        self.lines.append(f"{indent}else:")
        self.lines.append(f"{indent}    bucket.append({value})")

    def node(self, node: _Node, child: str, depth: int, indent: str) -> None:
        self.lines.append(f"{indent}pass")  # a guarded branch may hold nothing else
        for slot in node.element_slots:
            self.append(slot, child, indent)
        for slot, attribute in node.attribute_slots:
            self.lines.append(f"{indent}value = {child}.get({self.constant(attribute)})")
            self.lines.append(f"{indent}if value is not None:")
            self.append(slot, "value", indent + "    ")
        if node.deeper:
            self.children(node, child, depth + 1, indent)
