"""Message texts typed in the back office: unknown placeholders and anything beyond placeholders,
conditions and a few filters are refused with their line; rendering stays in the sandbox."""
import pytest

from app.services.notifications.template_sandbox import (
    ForbiddenConstruct, TemplateDoesNotParse, TextTooLong, UnknownPlaceholder, check_text, render_text,
)

ALLOWED = {"name", "occi_number", "expires_on", "certificate_url"}


def test_a_text_with_its_placeholders_conditions_and_filters_renders():
    text = "Hello {{ name|upper }},\n{% if certificate_url %}Download: {{ certificate_url }}{% else %}No certificate.{% endif %}"
    check_text(text, ALLOWED)
    assert render_text(text, ALLOWED, {"name": "Salim", "certificate_url": ""}) == "Hello SALIM,\nNo certificate."
    assert render_text("{{ occi_number|default('-') }}", ALLOWED, {}) == ""


def test_an_unknown_placeholder_is_refused_with_its_line():
    with pytest.raises(UnknownPlaceholder) as refused:
        check_text("Hello {{ name }},\n\nYour code: {{ password }}", ALLOWED)
    assert refused.value.params == {"line": 3, "placeholder": "password"}
    assert "Line 3" in str(refused.value) and "password" in str(refused.value)


def test_a_text_that_does_not_parse_is_refused_with_its_line():
    with pytest.raises(TemplateDoesNotParse) as refused:
        check_text("Hello {{ name }},\n{% if name %}no end", ALLOWED)
    assert refused.value.params["line"] == 2


@pytest.mark.parametrize("escape", [
    "{{ name.__class__.__mro__[1].__subclasses__() }}",
    "{{ name|attr('__class__') }}",
    "{{ ''.__class__ }}",
    "{{ name['__class__'] }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{% for c in name %}{{ c }}{% endfor %}",
    "{% set x = name %}{{ x }}",
    "{% include 'messages/password_reset.txt' %}",
    "{% extends 'appbuilder/base.html' %}",
    "{{ name.upper() }}",
    "{{ name|format(1) }}",
    "{% macro m() %}{% endmacro %}",
    "{{ range(10) }}",
])
def test_sandbox_escapes_are_refused_at_save(escape):
    with pytest.raises((ForbiddenConstruct, UnknownPlaceholder)):
        check_text("Hello {{ name }}\n" + escape, ALLOWED)


def test_rendering_refuses_an_unchecked_text_too():
    with pytest.raises((ForbiddenConstruct, UnknownPlaceholder)):
        render_text("{{ name.__class__.__mro__ }}", ALLOWED, {"name": "x"})


def test_a_text_too_long_is_refused():
    with pytest.raises(TextTooLong):
        check_text("a" * 5001, ALLOWED)
