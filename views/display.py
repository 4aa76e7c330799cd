"""How values look on a page: labels from the catalogue, money, Muscat times, and isolates for right-to-left text.

One set of functions, used as Jinja filters (`{{ order.total|money }}`,
`{{ order.status|label("order_status") }}`, `{{ serial|ltr }}`) and as the
back office's column formatters. A number, code, date, phone or email inside
Arabic text is wrapped in `<bdi dir="ltr">`, so the bidirectional algorithm keeps
its characters in order ("2026-AF3739C3", "+968 9123 4567"); nothing is shown as
`None`: an empty value is a dash.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from app.domain import labels
from app.domain.messages import Message
from app.domain.hijri import format_hijri_ar
from app.domain.money import format_money
from app.domain.times import ZONE_LABEL, format_clock, format_day
from models import base as models_base

_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def dash() -> Markup:
    return Markup('<span class="text-muted ghurfa-empty">%s</span>') % labels.EMPTY


def ltr(value: Any) -> Markup:
    """A code, number, phone, email or reference, kept left to right and apart from the text around it."""
    if value is None or value == "":
        return dash()
    return Markup('<bdi dir="ltr">%s</bdi>') % value


def isolate(value: Any) -> Markup:
    """Text of either direction (a company's name) set apart from the sentence around it."""
    if value is None or value == "":
        return dash()
    return Markup("<bdi>%s</bdi>") % value


def label(value: Any, family: str) -> Markup | str:
    """The catalogue's label for a code, in the reader's language."""
    if value is None or value == "":
        return dash()
    text = labels.translated(family, value, gettext)
    # A code the catalogue does not know yet is shown as it is, isolated like any code.
    return text if labels.label(family, value) is not None else ltr(text)


_FIGURE = re.compile(r"\+?[0-9][0-9]*(?:[-/:.,+][0-9]+)*")


def figures_apart(text: Any) -> Markup:
    """Free text (opening hours, an address) with its times, dates and phone numbers kept left to right."""
    if text is None or text == "":
        return dash()
    text = str(text)
    parts, last = [], 0
    for match in _FIGURE.finditer(text):
        parts.append(escape(text[last:match.start()]))
        parts.append(ltr(match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def actor(value: Any) -> Markup | str:
    """Who acted, in the audit log: a user name isolated, the system's actors in words."""
    text = labels.actor(value, gettext)
    return display_isolated(text) if text == value else text


def display_isolated(text: str) -> Markup:
    return isolate(text) if _ARABIC_LETTER.search(text) else ltr(text)


def money(baisa: Any, style: str = "omr") -> Markup:
    if not isinstance(baisa, int) or isinstance(baisa, bool):
        return dash()
    return Markup('<bdi class="ghurfa-money">%s</bdi>') % format_money(baisa, language(), style=style)


def money_text(baisa: int, style: str = "omr") -> str:
    """Money for text without markup (an SMS, an email, a chart's label)."""
    return format_money(baisa, language(), style=style)


def day(value: Any) -> Markup:
    if value is None or value == "":
        return dash()
    if isinstance(value, str):  # a date a snapshot kept as text
        return ltr(value)
    return ltr(format_day(value))


def moment(value: Any) -> Markup:
    """'2026-12-07 08:55 Muscat time', the time isolated; a date alone is shown as a day."""
    if value is None:
        return dash()
    if not isinstance(value, dt.datetime):
        return day(value)
    return Markup('<span class="ghurfa-moment">%s %s</span>') % (ltr(format_clock(value)), gettext(ZONE_LABEL))


def hijri(value: Any) -> Markup:
    """On Arabic pages, the Umm al-Qura Hijri date beside a Gregorian day (Arabic month names); nothing otherwise."""
    if value is None or value == "" or language() != "ar":
        return Markup("")
    day_value = dt.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(day_value, dt.datetime):
        day_value = day_value.date()
    text = format_hijri_ar(day_value)
    return Markup(' <span class="hijri-date">(%s)</span>') % text if text else Markup("")


def yes_no(value: Any) -> str | Markup:
    if value is None:
        return dash()
    return gettext(labels.BOOLEANS[str(bool(value))])


def display_name(record: Any) -> str:
    """A related record as a person names it, in the reader's language."""
    if record is None:
        return labels.EMPTY
    arabic = language() == "ar"
    name_en, name_ar = getattr(record, "name_en", None), getattr(record, "name_ar", None)
    if name_en is not None or name_ar is not None:
        name = (name_ar if arabic and name_ar else name_en) or name_ar
        cr_number = getattr(record, "cr_number", None)
        return f"{name} ({cr_number})" if cr_number else str(name)
    return str(record)


def record(value: Any) -> Markup:
    if value is None:
        return dash()
    return isolate(display_name(value))


def plain(value: Any) -> Markup | str:
    """Any other value: a dash for nothing; numbers and Latin codes isolated inside Arabic pages."""
    if value is None or value == "":
        return dash()
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (int, float)):
        return ltr(value)
    if isinstance(value, dt.datetime):
        return moment(value)
    if isinstance(value, dt.date):
        return day(value)
    text = str(value)
    if _ARABIC_LETTER.search(text):
        return isolate(text)
    return ltr(text) if language() == "ar" else escape(text)


def message_html(message: Message) -> Markup:
    """A domain Message in the reader's language, each value isolated (names by direction, codes left to right)."""
    values = {}
    for name, value in message.params.items():
        if isinstance(value, Message):
            values[name] = message_html(value)
        elif isinstance(value, (int, float, dt.date)) or (isinstance(value, str) and not _ARABIC_LETTER.search(value)
                                                           and not re.search(r"[A-Za-z]{2,}\s", value)):
            values[name] = ltr(format_day(value) if isinstance(value, dt.date) else value)
        else:
            values[name] = isolate(str(value))
    return Markup(escape(gettext(message.msgid))) % values


def sentence(msgid: str, **values: Any) -> Markup:
    """A sentence of ours with its values (a serial, a name, a date) each isolated; for titles and notices."""
    return message_html(Message(msgid, values))


def _reader_language() -> str:
    try:
        return language()
    except Exception:  # no request or app context: a job, the shell
        return "en"


def register_display(app: Flask) -> None:
    """The filters every template may use; records named in the reader's language (models.base)."""
    models_base.reader_language = _reader_language
    app.jinja_env.filters.update(
        money=money, money_text=money_text, day=day, moment=moment, ltr=ltr, isolate=isolate,
        label=label, yes_no=yes_no, record=record, plain=plain, actor=actor, figures_apart=figures_apart,
        hijri=hijri,
    )
    app.jinja_env.globals.update(sentence=sentence, N_=lambda msgid: msgid)
