"""Message texts typed in the back office: checked at save, rendered in a sandbox.

A text may print the placeholders its message offers (`{{ name }}`), test them
(`{% if certificate_url %}...{% endif %}`) and pass them through a few filters
(upper, lower, title, capitalize, trim, default). Anything else (attributes, items,
calls, loops, assignments, includes, other filters) is refused at save with its line,
and rendering happens in Jinja's immutable sandbox, which refuses unsafe attributes
should a text ever reach it unchecked.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from app.domain.errors import TranslatableError
from app.domain.messages import N_

ALLOWED_FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default"})
_ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
                  nodes.And, nodes.Or, nodes.Not, nodes.CondExpr, nodes.Filter, nodes.Compare, nodes.Operand,
                  nodes.Concat)
MAX_BODY = 5000
MAX_SUBJECT = 250


class TemplateRefused(TranslatableError):
    """A message text that cannot be saved; `line` says where."""


class TemplateDoesNotParse(TemplateRefused):
    message_id = N_("Line %(line)s: the text does not parse (%(detail)s).")


class UnknownPlaceholder(TemplateRefused):
    message_id = N_("Line %(line)s: “%(placeholder)s” is not a placeholder of this message; use one of those "
                    "listed beside the editor.")


class ForbiddenConstruct(TemplateRefused):
    message_id = N_("Line %(line)s: “%(construct)s” is not allowed in a message text; only placeholders, "
                    "conditions (if) and the filters upper, lower, title, capitalize, trim and default are.")


class TextTooLong(TemplateRefused):
    message_id = N_("The text is longer than %(limit)s characters.")


class SubjectNotOneLine(TemplateRefused):
    message_id = N_("The subject must be one line.")


_ENV = ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=False)
_ENV.filters = {name: f for name, f in _ENV.filters.items() if name in ALLOWED_FILTERS}
_ENV.globals = {}
_ENV.tests = {name: t for name, t in _ENV.tests.items() if name in ("defined", "undefined", "none")}


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f".{node.attr}"
    if isinstance(node, nodes.Filter):
        return f"|{node.name}"
    if isinstance(node, nodes.Test):
        return f"is {node.name}"
    return {"For": "for", "Call": "( )", "Getitem": "[ ]", "Assign": "set", "Macro": "macro",
            "Include": "include", "Import": "import", "FromImport": "import", "Extends": "extends",
            "Block": "block", "CallBlock": "call", "With": "with", "FilterBlock": "filter"}.get(
        type(node).__name__, type(node).__name__)


def check_text(source: str, allowed: Iterable[str], *, limit: int = MAX_BODY) -> None:
    """Refuses a text that does not parse, uses an unknown placeholder or anything beyond the allow-list."""
    if len(source) > limit:
        raise TextTooLong(limit=limit)
    allowed = frozenset(allowed)
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as error:
        raise TemplateDoesNotParse(line=error.lineno or 1, detail=error.message or "") from None
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        line = getattr(node, "lineno", None) or 1
        if not isinstance(node, _ALLOWED_NODES):
            raise ForbiddenConstruct(line=line, construct=_describe(node))
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise ForbiddenConstruct(line=line, construct=_describe(node))
        if isinstance(node, nodes.Name) and (node.ctx != "load" or node.name not in allowed):
            raise UnknownPlaceholder(line=line, placeholder=node.name)
        stack.extend(node.iter_child_nodes())


def check_subject(subject: str, allowed: Iterable[str]) -> None:
    if "\n" in subject.strip():
        raise SubjectNotOneLine()
    check_text(subject, allowed, limit=MAX_SUBJECT)


@lru_cache(maxsize=256)
def _compiled(source: str, allowed: frozenset[str]):
    check_text(source, allowed)
    return _ENV.from_string(source)


def render_text(source: str, allowed: Iterable[str], context: Mapping[str, Any]) -> str:
    """Renders a checked text with only its allowed placeholders (missing ones are empty)."""
    allowed = frozenset(allowed)
    values = {name: ("" if context.get(name) is None else context.get(name)) for name in allowed}
    try:
        return _compiled(source, allowed).render(values).strip()
    except SecurityError as error:  # only reachable by a text that skipped check_text
        raise ForbiddenConstruct(line=1, construct=str(error)) from None
