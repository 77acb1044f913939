"""The cache is verified, never trusted: a corrupt or hand-edited entry, a corrupt `site.json` and a
truncated Vega bundle are misses (the build redoes that part and succeeds), a file edited while the
build runs is not cached beside the old output, and `--no-cache` ignores every cached thing."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bookrender.build import build
from bookrender.cache import FORMAT, entry_digest
from tests.faults.breakage import copy_built_project, site_manifest

pytestmark = pytest.mark.render
ENTRY = Path(".bookcache/exec/chapters__one.json")
SITE_STATE = Path(".bookcache/site.json")


def quiet(msg):
    return None


@pytest.fixture
def mini(built_mini, tmp_path, fixed_epoch):
    return copy_built_project(built_mini, tmp_path / "mini")


def signed(entry: dict) -> str:
    """An entry with a checksum that matches its (malformed) content: only the format check can catch it."""
    return json.dumps({**entry, "sha256": entry_digest(entry)})


def _valid_entry(root: Path) -> dict:
    return json.loads((root / ENTRY).read_text(encoding="utf-8"))


def _breakages(entry: dict) -> dict:
    key = entry["key"]
    return {
        "truncated JSON": lambda p: p.write_text(json.dumps(entry)[: len(json.dumps(entry)) // 2], encoding="utf-8"),
        "wrong types": lambda p: p.write_text(signed({"format": FORMAT, "key": key, "deps": {},
                                                      "executed": {**entry["executed"], "outputs": "none"}})),
        "missing keys": lambda p: p.write_text(signed({"format": FORMAT, "key": key, "deps": {}})),
        "binary garbage": lambda p: p.write_bytes(bytes(range(256)) * 4),
        "a directory in its place": lambda p: (p.unlink(), p.mkdir(), (p / "x").write_text("x")),
    }


@pytest.mark.parametrize("breakage", ["truncated JSON", "wrong types", "missing keys", "binary garbage",
                                      "a directory in its place"])
def test_a_corrupt_cache_entry_is_a_miss(mini, breakage):
    before = site_manifest(mini / "_site")
    _breakages(_valid_entry(mini))[breakage](mini / ENTRY)
    report = build(mini, log=quiet)
    assert report.executed == ["chapters/one.qmd"]
    assert site_manifest(mini / "_site") == before
    assert _valid_entry(mini)["format"] == FORMAT  # stored again, as a file
    assert build(mini, log=quiet).executed == []


@pytest.mark.parametrize("breakage", ["truncated JSON", "wrong types", "missing keys", "binary garbage",
                                      "a directory in its place"])
def test_a_corrupt_site_state_is_a_miss(mini, breakage):
    before = site_manifest(mini / "_site")
    state = mini / SITE_STATE
    text = state.read_text(encoding="utf-8")
    {"truncated JSON": lambda: state.write_text(text[: len(text) // 2]),
     "wrong types": lambda: state.write_text(json.dumps(["key", 1, None])),
     "missing keys": lambda: state.write_text(json.dumps({"output_dir": str(mini / "_site")})),
     "binary garbage": lambda: state.write_bytes(b"\xff\xfe\x00" * 100),
     "a directory in its place": lambda: (state.unlink(), state.mkdir())}[breakage]()
    report = build(mini, log=quiet)
    assert not report.site_reused and report.executed == []
    assert site_manifest(mini / "_site") == before
    assert isinstance(json.loads(state.read_text(encoding="utf-8")), dict)
    assert build(mini, log=quiet).site_reused


def test_a_hand_edited_entry_is_detected_and_the_document_runs_again(mini):
    entry = _valid_entry(mini)
    outputs = entry["executed"]["outputs"]
    cell = next(i for i, o in enumerate(outputs) if o and "text/markdown" in o[0].get("data", {}))
    outputs[cell][0]["data"]["text/markdown"] += "\n<script>alert('cached')</script>\n"
    (mini / ENTRY).write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")  # the old checksum kept
    notes = []
    report = build(mini, log=notes.append)
    assert report.executed == ["chapters/one.qmd"]
    assert any("does not match its own checksum" in n and str(mini / ENTRY) in n for n in notes), notes
    assert "alert('cached')" not in (mini / "_site" / "chapters" / "one.html").read_text(encoding="utf-8")


def test_an_entry_of_another_format_is_a_miss(mini):
    entry = _valid_entry(mini)
    entry["format"] = FORMAT - 1
    (mini / ENTRY).write_text(signed({k: v for k, v in entry.items() if k != "sha256"}), encoding="utf-8")
    assert build(mini, log=quiet).executed == ["chapters/one.qmd"]


def test_a_file_edited_while_the_build_runs_is_not_cached_beside_the_old_output(mini):
    chapter = mini / "chapters" / "one.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + (
        "\n```{python}\nimport os\nif os.path.exists('edit-now'):\n    os.remove('edit-now')\n"
        "    open('numbers.txt', 'w').write('8\\n')  # as if someone saved the file during the build\n```\n"),
        encoding="utf-8")
    (mini / "edit-now").write_text("", encoding="utf-8")
    notes = []
    first = build(mini, log=notes.append)
    assert "The lucky number is 7." in (first.output_dir / "chapters/one.html").read_text(encoding="utf-8")
    assert any("numbers.txt changed while the build ran" in n for n in notes), notes
    second = build(mini, log=quiet)
    assert second.executed == ["chapters/one.qmd"]
    assert "The lucky number is 8." in (second.output_dir / "chapters/one.html").read_text(encoding="utf-8")


def _bundle_files(root: Path) -> tuple[Path, Path]:
    bundle = next((root / ".bookcache").glob("vega-bundle-*.js"))
    return bundle, bundle.with_suffix(".sha256")


def _real_bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle()


def test_a_truncated_vega_bundle_is_made_again(mini):
    bundle, digest = _bundle_files(mini)
    bundle.write_bytes(bundle.read_bytes()[:1000])
    chapter = mini / "chapters" / "one.qmd"  # a change, so that the site is written again
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    site = build(mini, log=quiet).output_dir
    real = _real_bundle()
    assert (site / "site_libs/vega/vega-bundle.js").read_text(encoding="utf-8") == real
    assert bundle.read_text(encoding="utf-8") == real
    assert digest.read_text().strip() == hashlib.sha256(real.encode()).hexdigest()


def test_no_cache_ignores_the_bundle_the_site_state_and_the_entries(mini):
    bundle, digest = _bundle_files(mini)
    forged = "window.vegaEmbed = function () { /* forged */ };\n"
    bundle.write_text(forged, encoding="utf-8")
    digest.write_text(hashlib.sha256(forged.encode()).hexdigest() + "\n")  # consistent, so only --no-cache helps
    report = build(mini, use_cache=False, log=quiet)
    assert not report.site_reused
    assert report.executed == ["index.qmd", "chapters/one.qmd", "chapters/extra.qmd"]
    assert "forged" not in (report.output_dir / "site_libs/vega/vega-bundle.js").read_text(encoding="utf-8")
    assert "forged" not in bundle.read_text(encoding="utf-8")
