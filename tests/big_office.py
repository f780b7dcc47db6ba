"""A large office for layout tests: 16 services with long real names and 12 counters, written into
a data folder's ``loket.toml`` in place of the default services and counters."""

from __future__ import annotations

import re
from pathlib import Path

# Names of a Mal Pelayanan Publik's desks: long ones on purpose.
SERVICE_NAMES = [
    "Perizinan & Rekomendasi",
    "Haji & Umrah",
    "Pendidikan Madrasah, Pontren & PAI",
    "Bimas Islam, Zakat & Wakaf",
    "Informasi Bantuan & Beasiswa",
    "Pengaduan Masyarakat",
    "Legalisasi Dokumen",
    "Kependudukan & Catatan Sipil",
    "Perpajakan Daerah",
    "Ketenagakerjaan & Kartu Kuning",
    "Perizinan Usaha (OSS)",
    "Pertanahan & Sertifikat",
    "BPJS Kesehatan",
    "Kepolisian (SKCK)",
    "Layanan Bank Daerah",
    "Konsultasi Hukum",
]


def big_office_toml(services: int = 16, counters: int = 12) -> str:
    """``[[services]]`` and ``[[counters]]`` tables for a large office."""
    codes = [chr(ord("A") + i) for i in range(services)]
    parts = []
    for code, name in zip(codes, SERVICE_NAMES, strict=False):
        parts.append(
            f'[[services]]\ncode = "{code}"\nname = "{name}"\n'
            "standard_wait_minutes = 15\nstandard_service_minutes = 15\n"
        )
    for number in range(1, counters + 1):
        served = [codes[(number - 1) % services], codes[(number + counters - 1) % services]]
        served = list(dict.fromkeys(served))
        parts.append(
            f'[[counters]]\nid = {number}\nname = "Loket {number}"\nservices = '
            + "["
            + ", ".join(f'"{c}"' for c in served)
            + "]\n"
        )
    return "\n".join(parts)


def make_big_office(data: Path, services: int = 16, counters: int = 12) -> None:
    """Replace the services and counters of ``data/loket.toml`` with a large office's."""
    path = data / "loket.toml"
    text = path.read_text(encoding="utf-8")
    head = re.split(r"^\[\[services\]\]", text, maxsplit=1, flags=re.M)[0]
    path.write_text(head + big_office_toml(services, counters), encoding="utf-8")
