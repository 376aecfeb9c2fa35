"""The path machinery behind the term table: compiled paths, terms, and one-pass matchers.

A `Matcher` merges all the paths of one table into a tree of child steps and walks an element once;
plain steps are matched in Python on lxml children, anything richer falls back to `etree.XPath`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Final, Literal

from lxml import etree

NS: Final = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL_INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

Kind = Literal["text", "decimal", "date", "bool", "list", "attr", "group"]
Found = etree._Element | str
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
        _walk(element, self._root, found)
        for slot, path in self._complex.items():
            values = path.all(element)
            if values:
                found[slot] = values
        return found


def _record(child: etree._Element, node: _Node, found: dict[int, list[Found]]) -> None:
    for slot in node.element_slots:
        bucket = found.get(slot)
        if bucket is None:
            found[slot] = [child]
        else:
            bucket.append(child)
    for slot, attribute in node.attribute_slots:
        value = child.get(attribute)
        if value is not None:
            bucket = found.get(slot)
            if bucket is None:
                found[slot] = [value]
            else:
                bucket.append(value)
    if node.deeper:
        _walk(child, node, found)


def _walk(element: etree._Element, node: _Node, found: dict[int, list[Found]]) -> None:
    # The hot loop of the reader, kept flat on purpose: one dict lookup per child in the common case.
    plain = node.plain
    guarded = node.guarded
    for child in element:
        tag = child.tag
        sub = plain.get(tag)
        if sub is not None:
            if len(sub.element_slots) == 1 and not sub.attribute_slots and not sub.deeper:
                slot = sub.element_slots[0]
                bucket = found.get(slot)
                if bucket is None:
                    found[slot] = [child]
                else:
                    bucket.append(child)
            else:
                _record(child, sub, found)
        if guarded and tag in guarded:
            for (attr, value), branch in guarded[tag]:
                if child.get(attr) == value:
                    _record(child, branch, found)
