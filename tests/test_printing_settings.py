"""PrinterSettings.from_mapping: the [printer] table of loket.toml."""

import tomllib

import pytest

from server.config.printer import PrinterSettings


def test_empty_table_means_no_printer():
    settings = PrinterSettings.from_mapping({})
    assert settings == PrinterSettings()
    assert settings.kind == "none"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ({"kind": "network", "host": "192.168.1.50"}, {"host": "192.168.1.50", "port": 9100}),
        ({"kind": "network", "host": " printer.lan ", "port": 9101}, {"host": "printer.lan", "port": 9101}),
        ({"kind": "file", "path": "/dev/usb/lp0"}, {"path": "/dev/usb/lp0"}),
        ({"kind": "serial", "path": "/dev/ttyUSB0", "baudrate": 19200}, {"baudrate": 19200}),
        (
            {"kind": "usb", "vendor_id": 0x04B8, "product_id": 0x0202},
            {"vendor_id": 0x04B8, "product_id": 0x0202},
        ),
        (
            {"kind": "usb", "vendor_id": "0x04b8", "product_id": "0E15"},
            {"vendor_id": 0x04B8, "product_id": 0x0E15},
        ),
        ({"width_mm": 58}, {"width_mm": 58}),
        ({"profile": "TM-T20II"}, {"profile": "TM-T20II"}),
        ({"timeout_seconds": 2}, {"timeout_seconds": 2.0}),
    ],
)
def test_valid_tables(raw, expected):
    settings = PrinterSettings.from_mapping(raw)
    for key, value in expected.items():
        assert getattr(settings, key) == value


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"kind": "bluetooth"}, "printer.kind: must be one of none | file | network | usb | serial"),
        ({"kind": "network"}, "printer.host: required when kind is network"),
        ({"kind": "network", "host": "  "}, "printer.host: required when kind is network"),
        ({"kind": "file"}, "printer.path: required when kind is file"),
        ({"kind": "serial"}, "printer.path: required when kind is serial"),
        ({"kind": "usb"}, "printer.vendor_id: required when kind is usb"),
        ({"kind": "usb", "vendor_id": 0x04B8}, "printer.product_id: required when kind is usb"),
        ({"vendor_id": "epson"}, "printer.vendor_id: must be a USB id such as 0x04b8"),
        ({"vendor_id": 0x10000}, "printer.vendor_id: must be a USB id between"),
        ({"vendor_id": True}, "printer.vendor_id: must be a USB id between"),
        ({"width_mm": 76}, "printer.width_mm: must be one of 58 | 80, not 76"),
        ({"width_mm": "80"}, "printer.width_mm: must be one of 58 | 80, not '80'"),
        ({"port": 0}, "printer.port: must be between 1 and 65535"),
        ({"port": "9100"}, "printer.port: must be a whole number"),
        ({"baudrate": -1}, "printer.baudrate: must be between"),
        ({"timeout_seconds": 0}, "printer.timeout_seconds: must be between 0.1 and 120"),
        ({"timeout_seconds": "5"}, "printer.timeout_seconds: must be a number of seconds"),
        ({"host": 10}, "printer.host: must be a string"),
        ({"profile": "TM-T88"}, "printer.profile: unknown printer profile 'TM-T88'"),
        ({"widht_mm": 58}, "printer.widht_mm: unknown key"),
    ],
)
def test_wrong_values_name_the_key(raw, message):
    with pytest.raises(ValueError) as error:
        PrinterSettings.from_mapping(raw)
    assert str(error.value).startswith(message)


def test_reads_a_real_toml_table():
    raw = tomllib.loads('[printer]\nkind = "usb"\nvendor_id = 0x04b8\nproduct_id = 0x0202\nwidth_mm = 58\n')
    settings = PrinterSettings.from_mapping(raw["printer"])
    assert (settings.vendor_id, settings.product_id, settings.width_mm) == (0x04B8, 0x0202, 58)
    assert settings.describe() == "USB 04b8:0202"


@pytest.mark.parametrize(
    "width_mm, profile, dots",
    [
        (80, "TM-T20II", 576),  # a 203 dpi printer: the full 576 dots
        (80, "TM-T88V", 512),  # 180 dpi: python-escpos refuses anything wider than 512
        (58, "TM-T88V", 384),
        (58, "POS-5890", 384),
        (80, "default", 576),  # the profile does not say: 203 dpi assumed
    ],
)
def test_dots_follow_paper_and_profile(width_mm, profile, dots):
    assert PrinterSettings(width_mm=width_mm, profile=profile).dots == dots
