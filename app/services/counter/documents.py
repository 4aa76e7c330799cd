"""The counter's printed papers: the bilingual receipt (A4 or 80 mm roll) (with a QR code to the public receipt check)
and the bilingual credit note of a refund. English with Latin digits, Arabic with Arabic-Indic digits.
Each carries the chamber's (invisible) PAdES signature, applied when printed."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from app.services.settings.chamber_details import chamber_details
from app.domain.arabic import to_arabic_indic
from app.domain.hijri import format_hijri_ar
from app.domain.messages import N_
from app.domain.money import format_omr, format_omr_ar
from app.domain.quotes import LINE_LABELS
from app.infrastructure.clock import MUSCAT
from app.domain.labels import PAYMENT_METHODS
from app.domain.labels import SERVICES as SERVICE_LABELS
from models import CounterPayment, Refund, ServiceOrder

RECEIPT_CHECK_PATH = "/verify/receipt/{token}"
METHOD_LABELS = PAYMENT_METHODS


class DocumentRenderFailed(RuntimeError):
    pass


def both(message_id: str, **params) -> tuple[str, str]:
    """A label in English and in Arabic, whatever the reader's language (a printed document carries both)."""
    with force_locale("en"):
        en = gettext(message_id, **params)
    with force_locale("ar"):
        ar = gettext(message_id, **params)
    return en, to_arabic_indic(ar)


def money(baisa: int) -> tuple[str, str]:
    return format_omr(baisa), to_arabic_indic(format_omr_ar(baisa))


def muscat(moment: dt.datetime) -> tuple[str, str]:
    """The moment in Muscat time; the Arabic side has the Umm al-Qura Hijri date beside it."""
    local = moment.replace(tzinfo=dt.timezone.utc).astimezone(MUSCAT)
    text = local.strftime("%Y-%m-%d %H:%M")
    arabic = to_arabic_indic(text) + " (توقيت مسقط)"
    hijri = format_hijri_ar(local.date())
    return f"{text} (Asia/Muscat)", f"{arabic}، {hijri}" if hijri else arabic


def receipt_check_url(counter: CounterPayment) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + RECEIPT_CHECK_PATH.format(token=counter.receipt_token)


def _order_facts(order: ServiceOrder) -> dict:
    company = order.company
    return {
        "reference": order.reference, "reference_ar": to_arabic_indic(order.reference),
        "company_en": company.name_en, "company_ar": company.name_ar,
        "cr_number": company.cr_number, "cr_number_ar": to_arabic_indic(company.cr_number),
        "service": both(SERVICE_LABELS[order.service]),
        "lines": [(both(LINE_LABELS[line.kind]) if line.kind in LINE_LABELS else (line.kind, line.kind),
                   money(line.amount)) for line in order.lines],
        "total": money(order.total),
    }


def _render(template: str, values: dict, qr_url: str | None) -> bytes:
    # The PDF libraries are read when a paper is first printed: a worker that never prints does not hold them.
    from xhtml2pdf import pisa

    from app.certificates.images import qr_data_uri
    from app.certificates.pdf import CERTIFICATE_BASE_CSS, RESOURCE_PREFIX, _font_files, _Resources, resource_policy

    fonts = _font_files(Path(current_app.static_folder) / "vendor" / "fonts")
    by_name = {f"{RESOURCE_PREFIX}font/{key}": str(path) for key, path in fonts.items()}
    if qr_url:
        by_name[f"{RESOURCE_PREFIX}qr"] = qr_data_uri(qr_url)
    chamber = chamber_details()
    html = render_template(template, resource=RESOURCE_PREFIX, chamber_en=chamber.name_en, chamber_ar=chamber.name_ar,
                           chamber_address=(chamber.address_en, chamber.address_ar),
                           chamber_phone=(chamber.phone, to_arabic_indic(chamber.phone)), **values)
    out = io.BytesIO()
    context = pisa.pisaDocument(html, dest=out, link_callback=_Resources(by_name).resolve,
                                resource_policy=resource_policy(fonts.values()), default_css=CERTIFICATE_BASE_CSS,
                                encoding="utf-8")
    if getattr(context, "err", 0):
        raise DocumentRenderFailed(template)
    from app.services.certificates.signed import signed_document

    return signed_document(out.getvalue())


PAPERS = ("a4", "80mm")


def receipt_pdf(counter: CounterPayment, paper: str = "a4") -> bytes:
    """The receipt of a counter payment, on A4 or on an 80 mm till roll."""
    if paper not in PAPERS:
        raise ValueError(paper)
    order = counter.order
    method = both(METHOD_LABELS[counter.method])
    details = []
    if counter.cheque_number:
        details.append((both(N_("Cheque number")), (counter.cheque_number, to_arabic_indic(counter.cheque_number))))
    if counter.bank:
        details.append((both(N_("Bank")), (counter.bank, counter.bank)))
    if counter.transfer_reference:
        details.append((both(N_("Transfer reference")),
                        (counter.transfer_reference, to_arabic_indic(counter.transfer_reference))))
    if counter.terminal_reference:
        details.append((both(N_("Terminal reference")),
                        (counter.terminal_reference, to_arabic_indic(counter.terminal_reference))))
    if counter.card_last4:
        details.append((both(N_("Card ending")), (counter.card_last4, to_arabic_indic(counter.card_last4))))
    url = receipt_check_url(counter)
    return _render("documents/receipt.html", {
        "order": _order_facts(order), "method": method, "details": details, "paid_at": muscat(counter.received_at),
        "served_by": counter.received_by, "check_url": url, "narrow": paper == "80mm",
    }, url)


def credit_note_pdf(refund: Refund) -> bytes:
    """The credit note of a refund paid back."""
    order = refund.order
    lines = [line for line in order.lines if refund.scope == "full" or line.id in (refund.line_ids or [])]
    rows = [(both(LINE_LABELS[line.kind]) if line.kind in LINE_LABELS else (line.kind, line.kind), money(line.amount))
            for line in lines]
    if refund.scope == "duplicate":
        rows = [(both(N_("Card payment taken twice")), money(refund.amount))]
    return _render("documents/credit_note.html", {
        "order": _order_facts(order), "number": refund.credit_note_number,
        "number_ar": to_arabic_indic(refund.credit_note_number or ""),
        "refund_reference": refund.reference, "refund_reference_ar": to_arabic_indic(refund.reference),
        "lines": rows,
        "amount": money(refund.amount), "method": both(METHOD_LABELS[refund.method or "gateway"]),
        "refunded_at": muscat(refund.refunded_at), "reason": refund.reason, "approved_by": refund.decided_by,
    }, None)
