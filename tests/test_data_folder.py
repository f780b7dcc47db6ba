"""The data folder on the command line: its lock, and the --data option of every subcommand."""

from __future__ import annotations

import pytest

from server.cli import build_parser
from server.config.data_folder import DataDirLock, DataDirLocked, data_dir


def test_the_lock_is_held_inside_the_block_and_given_back_after(tmp_path):
    with DataDirLock(tmp_path):
        with pytest.raises(DataDirLocked, match="already serving"):
            DataDirLock(tmp_path).acquire()
    with DataDirLock(tmp_path):  # free again
        pass


def test_every_subcommand_on_a_data_folder_takes_data(tmp_path):
    parser = build_parser()
    for words in (
        ["serve"],
        ["user", "add", "siti", "--role", "officer"],
        ["printer", "test"],
        ["say", "halo"],
        ["voice", "export", "p.zip"],
        ["device", "add", "Kiosk", "--kind", "kiosk"],
        ["backup", "dest"],
        ["restore"],
        ["service", "install"],
    ):
        args = parser.parse_args([*words, "--data", str(tmp_path)])
        assert data_dir(args.data) == tmp_path, words


def test_without_data_the_folder_is_loket_data_or_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("LOKET_DATA", raising=False)
    assert str(data_dir(None)) == "loket-data"
    monkeypatch.setenv("LOKET_DATA", str(tmp_path))
    assert data_dir(None) == tmp_path
