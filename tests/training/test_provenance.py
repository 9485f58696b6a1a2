"""The training-code digest changes with any file of the model's sources, folder or single
file: a model trained by other code is then trained again (make demo, benchmarks)."""

from __future__ import annotations

from pathlib import Path

from training.provenance import MODEL_SOURCES, ROOT, source_digest


def test_a_change_to_a_listed_folder_or_file_changes_the_digest(tmp_path: Path) -> None:
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "code.py").write_text("A = 1\n")
    (tmp_path / "single.py").write_text("B = 1\n")
    sources = ("package", "single.py")
    before = source_digest(sources, tmp_path)
    (tmp_path / "single.py").write_text("B = 2\n")
    after_file = source_digest(sources, tmp_path)
    (tmp_path / "package" / "code.py").write_text("A = 2\n")
    after_folder = source_digest(sources, tmp_path)
    assert len({before, after_file, after_folder}) == 3
    (tmp_path / "package" / "notes.txt").write_text("not code")
    assert source_digest(sources, tmp_path) == after_folder, "only code and JSON count"


def test_every_listed_source_exists() -> None:
    assert all((ROOT / source).exists() for source in MODEL_SOURCES)
