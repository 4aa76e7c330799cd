"""Message texts in the back office: every email and SMS in Arabic and English, edited, previewed,
tested, versioned and rolled back by Admin (auditors read them; staff do not see them)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app.domain.message_catalogue import LANGUAGES, MESSAGES, PLACEHOLDERS
from app.domain.sms_parts import sms_cost
from app.extensions import db
from app.services.membership.refusals import ServiceRefusal
from app.services.notifications import message_templates as texts
from app.services.notifications.template_sandbox import TemplateRefused
from views.forms import user_message

CHANNEL_LABELS = {"email": _l("Email"), "sms": _l("SMS")}
LANGUAGE_LABELS = {"ar": _l("Arabic"), "en": _l("English")}


class MessageTextView(BaseView):
    route_base = "/message-texts"
    default_view = "index"
    base_permissions = ["can_list", "can_edit"]

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        active = texts.active_versions(db.session)
        return self.render_template("admin/message_texts.html", title=gettext("Message texts"), kinds=MESSAGES,
                                    active=active, languages=LANGUAGES, channel_labels=CHANNEL_LABELS,
                                    language_labels=LANGUAGE_LABELS)

    @expose("/<string:template>/<string:channel>/<string:language>")
    @has_access
    @permission_name("list")
    def text(self, template: str, channel: str, language: str):
        key = self._key(template, channel, language)
        subject, body, _active = texts.current_text(db.session, key)
        return self._page(key, subject, body)

    @expose("/<string:template>/<string:channel>/<string:language>", methods=["POST"])
    @has_access
    @permission_name("edit")
    def change(self, template: str, channel: str, language: str):
        key = self._key(template, channel, language)
        if not FlaskForm().validate_on_submit():
            abort(400)
        step = request.form.get("step", "preview")
        subject, body = request.form.get("subject", ""), request.form.get("body", "")
        here = url_for("MessageTextView.text", template=template, channel=channel, language=language)
        try:
            if step == "save":
                saved = texts.save_text(db.session, key, subject, body, current_user.id)
                flash(gettext("Version %(version)s of this text is saved and is sent from now on.",
                              version=saved.version), "success")
                return redirect(here)
            if step == "rollback":
                chosen = texts.roll_back(db.session, key, request.form.get("version_id", type=int) or 0)
                flash(gettext("Version %(version)s of this text is sent again.", version=chosen.version), "success")
                return redirect(here)
            if step == "restore":
                texts.restore_shipped(db.session, key)
                flash(gettext("The shipped text is sent again."), "success")
                return redirect(here)
            if step == "test":
                texts.send_test(db.session, key, subject, body, email=current_user.email,
                                mobile=texts.own_mobile(db.session, current_user.id), user_id=current_user.id)
                flash(gettext("A test was queued to your own email or mobile."), "success")
                return self._page(key, subject, body)
            texts.check_draft(key, subject, body)  # a preview of a text that would be refused says why
            return self._page(key, subject, body)
        except (TemplateRefused, ServiceRefusal) as refusal:
            db.session.rollback()
            return self._page(key, subject, body, error=user_message(refusal)), 422

    @staticmethod
    def _key(template: str, channel: str, language: str) -> texts.TextKey:
        try:
            return texts.text_key(template, channel, language)
        except texts.UnknownMessage:
            abort(404)

    def _page(self, key: texts.TextKey, subject: str, body: str, *, error: str | None = None):
        """The editor with the draft previewed in its language and the other language's text in use."""
        previews = []
        if error is None:
            other_key = texts.TextKey(key.template, key.channel, "en" if key.language == "ar" else "ar")
            other_subject, other_body, _ = texts.current_text(db.session, other_key)
            try:
                previews = [texts.preview(key, subject, body), texts.preview(other_key, other_subject, other_body)]
            except TemplateRefused as refusal:  # a saved text whose placeholder was withdrawn since
                error = user_message(refusal)
        return self.render_template(
            "admin/message_text_editor.html", title=gettext(MESSAGES[key.template].title), key=key,
            kind=MESSAGES[key.template], subject=subject, body=body, error=error, previews=previews,
            versions=texts.versions(db.session, key), placeholders=PLACEHOLDERS,
            cost=sms_cost(previews[0].text) if previews and key.channel == "sms" else None,
            channel_labels=CHANNEL_LABELS, language_labels=LANGUAGE_LABELS)
