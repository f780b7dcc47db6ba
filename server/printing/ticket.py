"""The ticket, drawn once with Pillow: the kiosk's PNG preview and the paper are this image.

The image is as wide as the printer's dots and strictly black and white (mode "L" holding only
0 and 255), so ``image.convert("1")`` for the printer changes nothing and the screen shows
exactly what the paper will.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import qrcode
from babel.dates import format_date, format_datetime
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from server.config.printer import NOMINAL_DOTS

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu (fonts-dejavu-core)
    Path("/usr/share/fonts/dejavu"),  # Fedora, Arch
    Path("/usr/share/fonts/TTF"),
)
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
BLACK, WHITE = 0, 255
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for
QR_CAPTION = "Pindai untuk melihat status antrian"
# The cached fonts share FreeType faces, which are not thread-safe; the preview route and the
# print worker may draw at the same time. Drawing takes a few milliseconds, so one at a time.
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class TicketPrint:
    """Everything printed on one ticket, already decided by the queue."""

    office_name: str
    service_code: str
    service_name: str
    number: str
    issued_at: datetime  # aware, office local time
    ahead: int
    estimate_minutes: int | None
    status_url: str
    priority: bool = False
    priority_label: str = ""
    estimate_text: str | None = None  # the estimate in the office's words, when the queue gave one
    footer: str = "Terima kasih. Silakan menunggu panggilan."


def render_ticket(ticket: TicketPrint, width_mm: int = 80, *, dots: int | None = None) -> Image.Image:
    """Draw the ticket as a black-and-white image ``dots`` wide (default: 384 or 576 for 58/80 mm).

    Pass ``dots=settings.dots`` so the preview has the exact width the configured printer prints.
    """
    with _DRAWING:
        return _draw(ticket, dots or NOMINAL_DOTS[width_mm])


def _draw(ticket: TicketPrint, width: int) -> Image.Image:
    canvas = _Canvas(width)
    unit = width / 576  # sizes below are designed for 576 dots and scale down
    canvas.space(18 * unit)
    canvas.paragraph(ticket.office_name, _font(True, round(24 * unit)))
    canvas.space(8 * unit)
    canvas.paragraph(ticket.service_name, _font(True, round(30 * unit)))
    canvas.space(12 * unit)
    canvas.rule(round(3 * unit))
    canvas.space(14 * unit)
    canvas.paragraph("NOMOR ANTRIAN", _font(True, round(30 * unit)))
    canvas.number(ticket.number, max_height=round(190 * unit))
    if ticket.priority:
        label = f"PRIORITAS · {ticket.priority_label}" if ticket.priority_label else "PRIORITAS"
        canvas.inverse(label, _font(True, round(30 * unit)), round(10 * unit))
        canvas.space(10 * unit)
    canvas.paragraph(format_issued_at(ticket.issued_at), _font(False, round(24 * unit)))
    canvas.space(12 * unit)
    canvas.rule(round(2 * unit))
    canvas.space(12 * unit)
    body = _font(False, round(26 * unit))
    canvas.paragraph(f"Antrian di depan Anda: {ticket.ahead}", body)
    estimate = ticket.estimate_text or format_estimate(ticket.estimate_minutes)
    canvas.paragraph(f"Perkiraan waktu tunggu: {estimate[0].lower() + estimate[1:]}", body)
    canvas.space(14 * unit)
    canvas.qr(ticket.status_url, target=round(250 * unit))
    canvas.paragraph(QR_CAPTION, _font(False, round(20 * unit)))
    canvas.space(14 * unit)
    canvas.paragraph(ticket.footer, _font(True, round(22 * unit)))
    canvas.space(18 * unit)
    return canvas.finish()


def render_png(ticket: TicketPrint, width_mm: int = 80, *, dots: int | None = None) -> bytes:
    """The ticket as PNG bytes (1 bit per pixel: small, and exactly what the printer gets).

    Not ``optimize=True``: it took 24 ms of a 46 ms picture to save 6 % of about 6 KB.
    """
    buffer = io.BytesIO()
    render_ticket(ticket, width_mm, dots=dots).convert("1").save(buffer, format="PNG")
    return buffer.getvalue()


def format_issued_at(issued_at: datetime) -> str:
    """``Sabtu, 28 November 2026 09.41 WIB``: Babel's Indonesian date and the zone's name."""
    day = format_date(issued_at, "full", locale="id")
    clock = format_datetime(issued_at, "HH.mm", locale="id")
    if issued_at.tzinfo is None:
        return f"{day} {clock}"
    return f"{day} {clock} {format_datetime(issued_at, 'zzz', locale='id')}"


def format_estimate(minutes: int | None) -> str:
    """``± 12 menit``, ``segera dilayani`` for nobody ahead, or ``-`` when there is no estimate."""
    if minutes is None:
        return "-"
    if round(minutes) <= 0:
        return "segera dilayani"
    return f"± {round(minutes)} menit"


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR modules for ``url`` without the quiet zone (True is dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


MIN_TEXT_DOTS = 16  # about 2 mm at 203 dpi: smaller is hard to read for many visitors


@lru_cache(maxsize=64)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans if installed, else Pillow's built-in font: a missing font never stops a ticket."""
    size = max(size, MIN_TEXT_DOTS)
    name = FONT_FILES[bold]
    candidates = [str(folder / name) for folder in FONT_DIRS if (folder / name).is_file()]
    for candidate in [*candidates, name]:  # a bare name: Pillow searches the system font folders
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


class _Canvas:
    """A tall white strip that blocks are stacked on, cropped to its content at the end."""

    def __init__(self, width: int):
        self.width = width
        self.margin = max(8, round(width * 0.04))
        self.image = Image.new("L", (width, width * 4), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self.y = 0

    def space(self, height: float) -> None:
        self.y += round(height)

    def paragraph(self, text: str, font) -> None:
        """Centered text, wrapped on words to the printable width."""
        line_height = _line_height(font)
        for line in _wrap(self.draw, text, font, self.width - 2 * self.margin):
            self._ensure(self.y + line_height)
            self._centered(self.y, line, font, BLACK)
            self.y += line_height

    def number(self, number: str, max_height: int) -> None:
        """The queue number, as large as fits the width."""
        size = max_height
        font = _font(True, size)
        if not isinstance(font, ImageFont.FreeTypeFont):
            self._scaled_number(number, font, max_height)
            return
        available = self.width - 2 * self.margin
        while size > 12 and self.draw.textlength(number, font=font) > available:
            size = int(size * 0.94)
            font = _font(True, size)
        _, top, _, bottom = self.draw.textbbox((0, 0), number, font=font)
        gap = size // 10
        self._ensure(self.y + 2 * gap + bottom - top)
        # Place the glyphs' own top, not the font's ascender line, a gap below the heading.
        self._centered(self.y + gap - top, number, font, BLACK)
        self.y += 2 * gap + bottom - top

    def _scaled_number(self, number: str, font, max_height: int) -> None:
        """Without FreeType the only font is a small bitmap one: enlarge its pixels instead."""
        _, top, right, bottom = self.draw.textbbox((0, 0), number, font=font)
        small = Image.new("L", (max(1, right), max(1, bottom - top)), WHITE)
        ImageDraw.Draw(small).text((0, -top), number, font=font, fill=BLACK)
        factor = max(1, min((self.width - 2 * self.margin) // small.width, max_height // small.height))
        large = small.resize((small.width * factor, small.height * factor), Image.Resampling.NEAREST)
        gap = max_height // 10
        self._ensure(self.y + 2 * gap + large.height)
        self.image.paste(large, ((self.width - large.width) // 2, self.y + gap))
        self.y += 2 * gap + large.height

    def inverse(self, text: str, font, padding: int) -> None:
        """White text on a black band: priority must be seen at a glance by the officer."""
        line_height = _line_height(font)
        text_width = self.draw.textlength(text, font=font)
        band_width = min(self.width - 2 * self.margin, text_width + 4 * padding)
        left = (self.width - band_width) / 2
        self._ensure(self.y + line_height + 2 * padding)
        self.draw.rectangle((left, self.y, left + band_width, self.y + line_height + 2 * padding), fill=BLACK)
        self._centered(self.y + padding, text, font, WHITE)
        self.y += line_height + 2 * padding

    def rule(self, thickness: int) -> None:
        self._ensure(self.y + thickness)
        self.draw.rectangle(
            (self.margin, self.y, self.width - self.margin - 1, self.y + thickness - 1), fill=BLACK
        )
        self.y += thickness

    def qr(self, url: str, target: int) -> None:
        """The QR code with whole-dot modules, so it stays crisp on a 1-bit printer."""
        matrix = qr_matrix(url)
        modules = len(matrix) + 2 * QR_QUIET_MODULES
        module = max(3, target // modules)
        module = min(module, (self.width - 2 * self.margin) // modules) or 1
        size = modules * module
        left = (self.width - size) // 2
        self._ensure(self.y + size)
        top = self.y + QR_QUIET_MODULES * module
        for row, cells in enumerate(matrix):
            for column, dark in enumerate(cells):
                if dark:
                    x = left + (QR_QUIET_MODULES + column) * module
                    y = top + row * module
                    self.draw.rectangle((x, y, x + module - 1, y + module - 1), fill=BLACK)
        self.y += size

    def finish(self) -> Image.Image:
        """Crop to the content and make every pixel pure black or white."""
        cropped = self.image.crop((0, 0, self.width, self.y))
        return cropped.point(lambda value: WHITE if value >= 128 else BLACK)

    def _centered(self, y: float, text: str, font, fill: int) -> None:
        # Computed by hand rather than with anchor="ma": bitmap fonts do not support anchors.
        x = (self.width - self.draw.textlength(text, font=font)) / 2
        self.draw.text((x, y), text, font=font, fill=fill)

    def _ensure(self, bottom: int) -> None:
        if bottom <= self.image.height:
            return
        taller = Image.new("L", (self.width, max(bottom, self.image.height * 2)), WHITE)
        taller.paste(self.image, (0, 0))
        self.image = taller
        self.draw = ImageDraw.Draw(self.image)


def _line_height(font) -> int:
    if hasattr(font, "getmetrics"):
        ascent, descent = font.getmetrics()
    else:  # a bitmap font
        ascent, descent = font.getbbox("Ag")[3], 0
    return round((ascent + descent) * 1.1)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` (a single overlong word is kept whole)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and draw.textlength(candidate, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines
