"""The ticket image (kiosk preview and paper) and the ESC/POS bytes built from it."""

import io
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import dummy_printer
from PIL import Image, ImageFont

from server.config.printer import PrinterSettings
from server.printing import ticket as ticket_module
from server.printing.job import ticket_bytes, write_ticket
from server.printing.ticket import (
    TicketPrint,
    format_estimate,
    format_issued_at,
    qr_matrix,
    render_png,
    render_ticket,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
STATUS_URL = "http://192.168.1.10:8000/t/Xk3v9QeR2mT8wLpA7sZc"
RASTER = b"\x1dv0"  # GS v 0: raster bit image
CUT = b"\x1dV"  # GS V: cut


def sample(**changes) -> TicketPrint:
    ticket = TicketPrint(
        office_name="PTSP Kantor Kementerian Agama Kabupaten Pekalongan",
        service_code="B",
        service_name="Haji & Umrah",
        number="B012",
        issued_at=datetime(2026, 11, 28, 9, 41, tzinfo=JAKARTA),
        ahead=3,
        estimate_minutes=12,
        status_url=STATUS_URL,
    )
    return replace(ticket, **changes)


def find_qr(image: Image.Image, url: str) -> tuple[int, int, int] | None:
    """Where the QR code for ``url`` is drawn: (x, y, module size), or None.

    The expected code is built independently from qrcode's matrix and searched for pixel by
    pixel, so a QR for another URL, a blurred or a cropped one is not found.
    """
    matrix = qr_matrix(url)
    pixels = image.convert("L").point(lambda v: 1 if v < 128 else 0).tobytes()
    width = image.width
    rows = [pixels[y * width : (y + 1) * width] for y in range(image.height)]
    for module in range(2, 13):
        expected = [bytes(cell for cell in cells for _ in range(module)) for cells in matrix]
        first = expected[0]
        for y in range(image.height - len(matrix) * module + 1):
            x = rows[y].find(first)
            while x != -1:
                if all(
                    rows[y + r * module + dy][x : x + len(first)] == expected[r]
                    for r in range(len(matrix))
                    for dy in range(module)
                ):
                    return x, y, module
                x = rows[y].find(first, x + 1)
    return None


def longest_vertical_black_run(image: Image.Image) -> int:
    grey = image.convert("L")
    longest = 0
    for x in range(grey.width):
        run = 0
        for y in range(grey.height):
            run = run + 1 if grey.getpixel((x, y)) < 128 else 0
            longest = max(longest, run)
    return longest


@pytest.mark.parametrize("width_mm, dots", [(58, 384), (80, 576)])
def test_ticket_is_as_wide_as_the_printer(width_mm, dots):
    image = render_ticket(sample(), width_mm)
    assert image.width == dots
    assert 1.2 * dots < image.height < 2.5 * dots


def test_dots_override_the_nominal_width():
    assert render_ticket(sample(), 80, dots=PrinterSettings(profile="TM-T88V").dots).width == 512


def test_only_black_and_white_so_paper_matches_screen():
    image = render_ticket(sample(), 80)
    assert set(image.tobytes()) == {0, 255}
    assert image.convert("1").convert("L").tobytes() == image.tobytes()


@pytest.mark.parametrize("width_mm", [58, 80])
def test_qr_code_encodes_the_status_url(width_mm):
    image = render_ticket(sample(), width_mm)
    found = find_qr(image, STATUS_URL)
    assert found is not None
    x, y, module = found
    assert module >= 4  # at least 0.5 mm per module at 203 dpi: phones read it easily
    size = len(qr_matrix(STATUS_URL)) * module
    centre = x + size / 2
    assert abs(centre - image.width / 2) <= module
    # The quiet zone (4 modules) around the code is white.
    quiet = image.crop((x - 4 * module, y - 4 * module, x + size + 4 * module, y))
    assert set(quiet.tobytes()) == {255}


def test_qr_search_fails_for_another_url():
    image = render_ticket(sample(), 58)
    assert find_qr(image, STATUS_URL.replace("Xk3v", "Yk3v")) is None


@pytest.mark.parametrize("width_mm", [58, 80])
def test_number_is_very_large(width_mm):
    image = render_ticket(sample(number="A001"), width_mm)
    # The stem of the "1" is the only tall solid stroke: about a fifth of the paper width.
    assert longest_vertical_black_run(image) >= 0.2 * image.width


def test_priority_ticket_carries_a_band():
    plain = render_ticket(sample(), 80)
    priority = render_ticket(sample(priority=True, priority_label="Lansia"), 80)
    assert priority.height > plain.height + 30


def test_png_preview_is_the_printed_image():
    png = render_png(sample(), 58)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = Image.open(io.BytesIO(png))
    assert decoded.size == (384, render_ticket(sample(), 58).height)
    assert decoded.convert("L").tobytes() == render_ticket(sample(), 58).tobytes()
    assert len(png) < 20_000


def test_indonesian_date_and_estimate():
    assert (
        format_issued_at(datetime(2026, 11, 28, 9, 41, tzinfo=JAKARTA)) == "Sabtu, 28 November 2026 09.41 WIB"
    )
    assert format_issued_at(datetime(2026, 8, 17, 14, 5, tzinfo=ZoneInfo("Asia/Makassar"))).endswith(
        "17 Agustus 2026 14.05 WITA"
    )
    assert format_estimate(12) == "± 12 menit"
    assert format_estimate(None) == "-"
    assert format_estimate(0) == "segera dilayani"


def test_long_texts_wrap_inside_the_paper():
    long = sample(
        office_name="Pelayanan Terpadu Satu Pintu Kantor Kementerian Agama Kabupaten Pekalongan Provinsi Jawa Tengah",
        service_name="Pendidikan Madrasah, Pondok Pesantren dan Pendidikan Agama Islam",
        number="A1234",
        estimate_minutes=None,
    )
    image = render_ticket(long, 58)
    assert image.width == 384
    assert find_qr(image, STATUS_URL) is not None
    # Nothing drawn in the side margins: every line was wrapped or shrunk to fit.
    margin = image.crop((0, 0, 6, image.height))
    assert set(margin.tobytes()) == {255}


def test_missing_fonts_never_stop_a_ticket(monkeypatch):
    cached_fonts = ticket_module._font
    cached_fonts.cache_clear()
    monkeypatch.setattr(ticket_module, "FONT_DIRS", ())
    monkeypatch.setattr(ticket_module, "FONT_FILES", {True: "NoSuchFont.ttf", False: "NoSuchFont.ttf"})
    try:
        image = render_ticket(sample(), 80)
        assert image.width == 576
        assert find_qr(image, STATUS_URL) is not None
        # Even Pillow without FreeType (a small bitmap font) gives a ticket with a large number.
        monkeypatch.setattr(ticket_module, "_font", lambda bold, size: ImageFont.load_default_imagefont())
        bitmap = render_ticket(sample(number="A001"), 80)
        assert longest_vertical_black_run(bitmap) >= 0.2 * bitmap.width
    finally:
        cached_fonts.cache_clear()


def test_escpos_bytes_hold_raster_image_and_cut():
    settings = PrinterSettings(profile="TM-T88V")
    image = render_ticket(sample(), settings.width_mm, dots=settings.dots)
    data = ticket_bytes(image, settings.profile)
    start = data.index(RASTER)
    width_bytes = data[start + 4] + 256 * data[start + 5]
    height = data[start + 6] + 256 * data[start + 7]
    assert (width_bytes * 8, height) == (512, image.height)
    assert data.rindex(CUT) > start
    assert data.endswith(CUT + b"\x00")


def test_print_ticket_on_a_dummy_sends_the_same_bytes():
    image = render_ticket(sample(), 58)
    printer = dummy_printer("TM-T88V")
    write_ticket(printer, image)
    assert RASTER in printer.output and CUT in printer.output
    assert printer.output == ticket_bytes(image, "TM-T88V")


def test_tall_ticket_is_split_into_several_raster_blocks():
    tall = sample(footer="\n".join(["Baris tambahan"] * 30))
    image = render_ticket(tall, 80, dots=512)
    assert image.height > 960
    data = ticket_bytes(image, "TM-T88V")
    assert data.count(RASTER) == -(-image.height // 960)
    assert data.rindex(CUT) > data.rindex(RASTER)


def test_an_image_wider_than_the_profile_is_refused():
    # Why PrinterSettings.dots exists: a TM-T88V prints 512 dots, not 576.
    with pytest.raises(Exception, match="576 > 512"):
        ticket_bytes(render_ticket(sample(), 80), "TM-T88V")
