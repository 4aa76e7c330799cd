"""Back-office widgets (lists, searches, records) that render FAB's markup with less work per page.

- ChamberListWidget: each row's cells are formatted in Python (one Markup per row) and its
  show, edit and delete buttons filled in from links and labels made once per page;
  Jinja spent most of a list page calling a formatter per cell.
- ChamberShowWidget: a record's rows (label and formatted value) made in Python too.
- ChamberSearchWidget: the empty search form (every filter's field and operators) is the
  same for every page of a list in a language: it is built once and kept in the table
  cache, dropped when the list's table or a table its select boxes read changes.
"""
from __future__ import annotations

from urllib.parse import quote as url_quote

from flask import current_app, request
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import ListWidget, SearchWidget, ShowWidget
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from views.admin.table_cache import table_cache, tables_read


def row_cells(items, columns, formatters) -> list[Markup]:
    """Each row's <td> cells as FAB's list template writes them: formatted where a formatter is set, escaped.

    A value repeated down a column (a governorate, a grade, a status) is formatted once per page.
    """
    pairs = [(column, formatters.get(column)) for column in columns]
    done: dict = {}

    def cell(column, formatter, value) -> str:
        if formatter is None:
            return escape(value)
        key = (column, type(value), value)
        try:
            return done[key]
        except KeyError:
            done[key] = shown = escape(formatter(value))
            return shown
        except TypeError:  # a value that cannot be a key (a list): formatted each time
            return escape(formatter(value))

    return [Markup("".join(f"<td>{cell(column, formatter, item[column])}</td>" for column, formatter in pairs))
            for item in items]


SLOT = "__ghurfa_pk__"
CHECKBOX = '<td><input id="{pk}" class="action_check" name="rowid" value="{pk}" type="checkbox" aria-label="{label}"></td>'
BUTTON = ('<a href="{url}" class="btn btn-sm btn-default" data-toggle="tooltip" rel="tooltip" title="{title}">'
          '<span class="sr-only">{label}</span><i class="fa {icon}"></i></a>')
DELETE_BUTTON = (
    '<a id="btn-delete-{url}" href="#" class="btn btn-sm btn-default confirm" rel="tooltip" title="{title}" >'
    '<span class="sr-only">{label}</span><i class="fa fa-trash"></i></a>'
    '<script nonce="{nonce}"> document.getElementById("btn-delete-{url}") .addEventListener("click", function () '
    "{{ const adminAction = new AdminActions(); return adminAction.execute_single_delete('{url}','{question}'); }}) "
    "</script>")
BUTTONS = '<td><center><div class="btn-group btn-group-xs" style="display: flex;">{}</div></center></td>'


def row_buttons(args: dict) -> list[Markup]:
    """Each row's select box and show, edit and delete buttons, as FAB's list template writes them;
    links and labels made (and escaped) once per page: FAB builds three URLs and six translations per row."""
    filters, env = args.get("filters"), current_app.jinja_env
    url_for, with_filters = env.filters["safe_url_for"], env.filters["set_link_filters"]
    name = args["modelview_name"]
    # What FAB's base_list.html works out from the signed-in user's permissions.
    visible = env.filters["is_item_visible"]
    can_show, can_edit, can_delete = (visible(f"can_{action}", name) for action in ("show", "edit", "delete"))
    actions = env.filters["get_actions_on_list"](args.get("actions"), name)

    def link(action: str, allowed: bool, filtered: bool) -> str | None:
        url = url_for(f"{name}.{action}", pk=SLOT) if allowed else None
        return escape(with_filters(url, filters) if url and filtered else url) if url else None

    def text(message: str) -> str:
        return escape(gettext(message))

    show_url, edit_url, delete_url = link("show", can_show, True), link("edit", can_edit, True), link(
        "delete", can_delete, False)
    nonce = escape(env.globals["csp_nonce"]()) if "csp_nonce" in env.globals else ""
    select_row, question = text("Select this row"), text("Are you sure you want to delete this item?")
    show = dict(title=text("Show record"), label=text("Show"), icon="fa-search")
    edit = dict(title=text("Edit record"), label=text("Edit"), icon="fa-edit")
    delete = dict(title=text("Delete record"), label=text("Delete"), nonce=nonce, question=question)
    frozen = args.get("frozen_pks") or ()
    any_button = can_show or can_edit or can_delete
    rows = []
    for pk in args.get("pks") or ():
        key = url_quote(str(pk))
        html = CHECKBOX.format(pk=escape(pk), label=select_row) if actions else ""
        if any_button:
            buttons = BUTTON.format(url=show_url.replace(SLOT, key), **show) if show_url else ""
            if edit_url and pk not in frozen:
                buttons += BUTTON.format(url=edit_url.replace(SLOT, key), **edit)
            if delete_url and pk not in frozen:
                buttons += DELETE_BUTTON.format(url=delete_url.replace(SLOT, key), **delete)
            html += BUTTONS.format(buttons)
        rows.append(Markup(html))
    return rows


class ChamberListWidget(ListWidget):
    """FAB's list widget, each row's markup made in Python (admin/list_widget.html prints it)."""

    template = "admin/list_widget.html"

    def __call__(self, **kwargs):
        args = {**self.template_args, **kwargs}
        # FAB hands the rows over as a generator: read once here.
        values = list(args.get("value_columns") or ())
        cells = row_cells(values, args.get("include_columns") or (), args.get("formatters_columns") or {})
        kwargs["value_columns"] = values
        kwargs["rows"] = [buttons + row for buttons, row in zip(row_buttons(args), cells)]
        return super().__call__(**kwargs)


class ChamberSearchWidget(SearchWidget):
    """FAB's search widget; the fields, labels and operators of an empty form kept per list and language."""

    def __call__(self, **kwargs):
        if request.method != "GET":  # a posted form shows what was posted: never from the cache
            return super().__call__(**kwargs)
        form, columns = self.template_args["form"], tuple(self.template_args["include_cols"])
        datamodel = self.filters.datamodel
        key = ("search form", id(type(form)), columns, str(get_locale()))
        kwargs.update(table_cache.get(datamodel.session, tables_read(datamodel, columns), key,
                                      lambda: self._fields(form, columns)))
        kwargs["active_filters"] = self.filters.get_filters_values_tojson()
        return super(SearchWidget, self).__call__(**kwargs)

    def _fields(self, form, columns) -> dict:
        filters = self.filters.get_search_filters()
        return {
            "label_columns": {column: as_unicode(form[column].label.text) for column in columns},
            "form_fields": {column: form[column]() for column in columns},
            "search_filters": {column: [as_unicode(flt.name) for flt in filters[column]] for column in columns},
        }


SHOW_ROW = ('<tr><th class="col-lg-2 col-md-2 col-sm-2">{label}</th>'
            '<td><span style="white-space: pre-line">{value}</span></td></tr>')


class ChamberShowWidget(ShowWidget):
    """FAB's show widget, each field's row made in Python (admin/show_widget.html prints them)."""

    template = "admin/show_widget.html"

    def __call__(self, **kwargs):
        args = {**self.template_args, **kwargs}
        if not args.get("fieldsets"):
            labels, formatters = args.get("label_columns") or {}, args.get("formatters_columns") or {}
            kwargs["show_rows"] = [
                Markup(SHOW_ROW.format(label=escape(labels.get(column)), value=escape(
                    formatters[column](value) if formatters.get(column) else value)))
                for column, value in zip(args.get("include_columns") or (), args.get("value_columns") or ())]
        return super().__call__(**kwargs)
