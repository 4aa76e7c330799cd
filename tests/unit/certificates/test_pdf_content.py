"""What the seed certificate prints, read back from the PDF: every field, both languages, the layout."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from dataclasses import replace
from datetime import datetime, timezone

import arabic_reshaper
import pypdf
import pytest
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfbase.ttfonts import TTFont

from app.certificates.images import QR_MASK_PATTERN
from app.certificates.pdf import (
    _CELL_PADDING_PT,
    _TEXT_WIDTH_PT,
    FIELD_COLUMNS,
    FIELD_FONT_SIZE,
    FONT_FILES,
    _fields,
    render_certificate_pdf,
)

from .seed import SEED, VERIFY_URL
from .pdftext import (
    arabic_words,
    find_word,
    normalise_arabic_extracted,
    poppler_text,
    poppler_words,
    pypdf_text,
)

A4_POINTS = (595.28, 841.89)
MM = 72 / 25.4

ENGLISH = [
    "OMAN CHAMBER OF COMMERCE & INDUSTRY",
    "Membership Certificate",
    "Oman Chamber of Commerce & Industry hereby certifies that",
    "promising projects",
    "CR No",
    "1229237",
    "Registered in the grade",
    "Fourth",
    "OCCI No",
    "1128046",
    "Date of issue",
    "19/03/2018",
    "Date of expiry",
    "19/03/2019",
    "Head Office",
    "Muscat Governorate",
    "Serial No",
    "2018-5F3A9C21",
    f"Verify at {VERIFY_URL}",
]

ARABIC = [
    "غرفة تجارة وصناعة عمان",
    "شهادة انتساب",
    "تشهد غرفة تجارة وصناعة عمان بأن",
    "المشاريع الواعدة",
    "رقم السجل",
    "١٢٢٩٢٣٧",
    "سجلت بالدرجة",
    "الرابعة",
    "رقم الغرفة",
    "١١٢٨٠٤٦",
    "تاريخ الإصدار",
    "١٩/٠٣/٢٠١٨",
    "تاريخ الانتهاء",
    "١٩/٠٣/٢٠١٩",
    "المقر الرئيس",
    "محافظة مسقط",
    "الرقم التسلسلي",
]


def test_one_a4_page(seed_pdf):
    reader = pypdf.PdfReader(io.BytesIO(seed_pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_POINTS[0], abs=0.5)
    assert float(box.height) == pytest.approx(A4_POINTS[1], abs=0.5)


@pytest.mark.parametrize("extract", [pypdf_text, poppler_text])
def test_english_side_prints_every_field(seed_pdf, extract):
    text = " ".join(extract(seed_pdf).split())
    for phrase in ENGLISH:
        assert phrase in text


@pytest.mark.parametrize("extract", [pypdf_text, poppler_text])
def test_arabic_side_prints_every_field(seed_pdf, extract):
    words = arabic_words(extract(seed_pdf))
    for phrase in ARABIC:
        for word in phrase.split():
            assert word in words, f"{word!r} of {phrase!r} not extracted"


def test_normalising_folds_presentation_forms_to_letters(seed_pdf):
    text = normalise_arabic_extracted(pypdf_text(seed_pdf))
    assert not any(0xFB50 <= ord(c) <= 0xFEFF for c in text)
    assert "١٢٢٩٢٣٧" in text


def test_arabic_is_joined(seed_pdf):
    # Joined letters are drawn as their initial/medial/final presentation forms.
    drawn = find_word(poppler_words(seed_pdf), "المشاريع").text
    assert all(0xFB50 <= ord(c) <= 0xFEFF for c in drawn), drawn
    forms = {unicodedata.name(c).split()[-2] for c in drawn}  # "... SHEEN MEDIAL FORM"
    assert {"INITIAL", "MEDIAL", "FINAL"} <= forms


def test_arabic_reads_right_to_left(seed_pdf):
    words = poppler_words(seed_pdf)
    assert find_word(words, "المشاريع").x_min > find_word(words, "الواعدة").x_max
    assert find_word(words, "محافظة").x_min > find_word(words, "مسقط").x_max
    assert find_word(words, "تشهد").x_min > find_word(words, "بأن").x_max


def test_mixed_arabic_and_latin_value_keeps_right_to_left_order(font_dir):
    snapshot = replace(SEED, company_name_ar="شركة ABC للتجارة")
    words = poppler_words(render_certificate_pdf(snapshot, verify_url=VERIFY_URL, font_dir=font_dir))
    first, latin, last = (find_word(words, w) for w in ("شركة", "ABC", "للتجارة"))
    assert first.x_min > latin.x_max > last.x_max


@pytest.mark.parametrize(
    ("label_en", "value_en", "value_ar", "label_ar"),
    [
        ("CR", "1229237", "١٢٢٩٢٣٧", "السجل"),
        ("OCCI", "1128046", "١١٢٨٠٤٦", "الغرفة"),
        ("issue", "19/03/2018", "١٩/٠٣/٢٠١٨", "الإصدار"),
        ("expiry", "19/03/2019", "١٩/٠٣/٢٠١٩", "الانتهاء"),
        ("grade", "Fourth", "الرابعة", "بالدرجة"),
    ],
)
def test_each_field_row_runs_label_value_arabic_value_arabic_label(
    seed_pdf, label_en, value_en, value_ar, label_ar
):
    words = poppler_words(seed_pdf)
    row = [find_word(words, w) for w in (label_en, value_en, value_ar, label_ar)]
    middle = A4_POINTS[0] / 2
    # English with Latin digits on the left half, Arabic on the right half.
    assert row[0].x_max < row[1].x_min < row[1].x_max < middle < row[2].x_min < row[3].x_min
    assert _on_one_line(row)


@pytest.mark.parametrize(
    "changes",
    [
        # Fits once the fields are set a little smaller.
        {"head_office_en": "South Ash Sharqiyah Governorate", "head_office_ar": "محافظة جنوب الشرقية"},
        # Too long for any size: a row per field, where the grade wraps.
        {"grade_en": "Excellent Grade (First Class) Contractors and Suppliers"},
        {"grade_ar": "الدرجة الممتازة للمقاولين والموردين المعتمدين في سلطنة عمان"},
    ],
)
def test_a_long_value_keeps_every_row_together(font_dir, changes):
    # A long grade or head office must not push the rows after it out of line.
    pdf = render_certificate_pdf(replace(SEED, **changes), verify_url=VERIFY_URL, font_dir=font_dir)
    words = poppler_words(pdf)
    for row in (("OCCI", "1128046", "١١٢٨٠٤٦", "الغرفة"), ("expiry", "19/03/2019", "١٩/٠٣/٢٠١٩", "الانتهاء")):
        assert _on_one_line([find_word(words, w) for w in row]), row
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_a_long_head_office_is_set_smaller_to_stay_on_one_line(font_dir):
    snapshot = replace(SEED, head_office_en="South Ash Sharqiyah Governorate")
    words = poppler_words(render_certificate_pdf(snapshot, verify_url=VERIFY_URL, font_dir=font_dir))
    row = ["Head", "South", "Ash", "Sharqiyah", "Governorate", "مسقط", "الرئيس"]
    assert _on_one_line([find_word(words, w) for w in row])


def test_the_fixed_labels_fit_their_columns_at_full_size(font_dir):
    # The renderer measures only the values; the labels are fixed wording.
    font = TTFont("TestAmiriRegular", str(font_dir / FONT_FILES["regular"]))
    for column in (0, 3):
        room = (_TEXT_WIDTH_PT * FIELD_COLUMNS[column] / 100 - _CELL_PADDING_PT) * 0.95
        for field in _fields(SEED):
            text = arabic_reshaper.reshape(field[column]) if column == 3 else field[column]
            assert font.stringWidth(text, FIELD_FONT_SIZE) <= room, field[column]


def test_long_names_are_shrunk_onto_the_one_page(font_dir):
    snapshot = replace(
        SEED,
        company_name_en="Al Mustaqbal International Trading, Contracting and General Services"
        " Company LLC",
        company_name_ar="شركة المستقبل الدولية للتجارة والمقاولات والخدمات العامة ش.م.م",
        grade_en="Excellent (First Class)",
        grade_ar="الممتازة (الدرجة الأولى)",
        head_office_en="North Al Batinah Governorate",
        head_office_ar="محافظة شمال الباطنة",
    )
    pdf = render_certificate_pdf(snapshot, verify_url=VERIFY_URL, font_dir=font_dir)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    text = " ".join(pypdf_text(pdf).split())
    assert snapshot.company_name_en in text
    assert "North Al Batinah Governorate" in text
    assert set("شركة المستقبل الدولية للتجارة والمقاولات".split()) <= arabic_words(pypdf_text(pdf))
    _assert_inside_the_border(pdf)


def _on_one_line(words) -> bool:
    """Whether the words sit on one line: their vertical centres within 3 points."""
    centres = [(w.y_min + w.y_max) / 2 for w in words]
    return max(centres) - min(centres) < 3


def test_everything_stays_inside_the_border(seed_pdf):
    _assert_inside_the_border(seed_pdf)


def _assert_inside_the_border(pdf: bytes) -> None:
    inner = 13.5 * MM
    for word in poppler_words(pdf):
        assert inner < word.x_min and word.x_max < A4_POINTS[0] - inner, word
        assert inner < word.y_min and word.y_max < A4_POINTS[1] - inner, word


def test_document_info_comes_from_the_snapshot(seed_pdf):
    reader = pypdf.PdfReader(io.BytesIO(seed_pdf))
    info = reader.metadata
    assert info.creation_date == datetime(2018, 3, 19, tzinfo=timezone.utc)
    assert info.title == "Membership Certificate 2018-5F3A9C21"
    assert info.author == SEED.chamber_name_en


def test_qr_code_encodes_the_verification_url(seed_pdf):
    images = pypdf.PdfReader(io.BytesIO(seed_pdf)).pages[0].images
    assert len(images) == 1
    image = images[0].image.convert("L")
    # The module grid of a QR code for the URL, quiet zone included; read the
    # embedded image back at the centre of each module and compare.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, mask_pattern=QR_MASK_PATTERN)
    code.add_data(VERIFY_URL)
    code.make(fit=True)
    expected = code.get_matrix()
    size = len(expected)
    assert image.width == image.height and image.width % size == 0
    box = image.width // size
    read = [
        [image.getpixel((x * box + box // 2, y * box + box // 2)) < 128 for x in range(size)]
        for y in range(size)
    ]
    assert read == expected


def test_page_renders_to_png_for_a_person_to_look_at(seed_pdf, tmp_path):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(seed_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "certificate")],
        check=True,
    )
    png = tmp_path / "certificate.png"
    with Image.open(png) as page:
        width, height = page.size
        assert abs(width - 496) <= 1 and abs(height - 702) <= 1  # A4 at 60 dpi
        rgb = page.convert("RGB")
        # The decorative border: a dark green rule centred 10 mm in from the left edge.
        x = round(10 / 25.4 * 60)
        red, green, blue = rgb.getpixel((x, height // 2))
        assert green > red + 40 and green > blue + 20, (red, green, blue)
        # Nothing is drawn outside it: the margin is the page colour.
        margin = round(8 * MM / 72 * 60)
        for y in range(0, height, 7):
            for x in (*range(margin), *range(width - margin, width)):
                assert min(rgb.getpixel((x, y))) > 230


def test_a_qr_reader_scans_the_printed_page(seed_pdf, tmp_path):
    # An independent decoder, reading the page as a scanner would see it. Runs
    # where zxing-cpp is installed (it is not among the project's packages).
    zxingcpp = pytest.importorskip("zxingcpp")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(seed_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    with Image.open(tmp_path / "page.png") as page:
        assert [code.text for code in zxingcpp.read_barcodes(page)] == [VERIFY_URL]


def test_a_serial_starting_with_a_letter_after_the_year_prints_in_order_on_both_sides(font_dir):
    snapshot = replace(SEED, serial="2026-AF3739C3")
    pdf = render_certificate_pdf(snapshot, verify_url=VERIFY_URL, font_dir=font_dir)
    serials = [w for w in poppler_words(pdf) if "AF3739C3" in w.text]
    assert [w.text for w in serials] == ["2026-AF3739C3", "2026-AF3739C3"], [w.text for w in serials]
    assert serials[1].x_min > serials[0].x_max  # the second one is on the Arabic (right) side
