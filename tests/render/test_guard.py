"""A build never writes outside its staging folder, never replaces a folder it did not make, and
reads book files only from inside the project. These checks run before any document executes."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

import pytest

from bookrender.build import build
from bookrender.errors import RenderError
from bookrender.guard import SITE_MARKER
from bookrender.lock import OWNER_FILE, build_lock, remove_dead_staging
from bookrender.project import load_project
from tests.conftest import copy_minibook


def quiet(msg):
    return None


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def mini(tmp_path, fixed_epoch):
    return copy_minibook(tmp_path / "book" / "mini")


@pytest.mark.parametrize("output_dir", [".", "..", "../..", "/", "chapters", ".git", "./"])
def test_the_project_its_parents_and_its_source_folders_are_never_an_output_folder(mini, output_dir):
    (mini / ".git").mkdir()
    (mini / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (mini / "uncommitted.txt").write_text("work in progress\n", encoding="utf-8")
    before = tree_hashes(mini.parent)
    with pytest.raises(RenderError) as info:
        build(mini, output_dir=output_dir, log=quiet)
    assert "output folder" in str(info.value) and "output-dir" in str(info.value)
    assert tree_hashes(mini.parent) == before


def test_a_folder_without_the_site_marker_is_left_untouched(mini):
    other = mini / "reports"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        build(mini, output_dir="reports", log=quiet)
    assert SITE_MARKER in str(info.value) and str(other) in str(info.value)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_the_site_of_another_book_is_left_untouched(mini):
    other = mini / "_site"
    other.mkdir()
    (other / SITE_MARKER).write_text('{"book": "someone-else", "generator": "bookrender"}\n', encoding="utf-8")
    with pytest.raises(RenderError, match="another book"):
        build(mini, log=quiet)
    assert (other / SITE_MARKER).exists() and len(list(other.iterdir())) == 1


@pytest.mark.parametrize("chapter", ["../outside/evil.qmd", "/etc/passwd", "/etc/hostname.qmd", "chapters/one.md"])
def test_chapter_paths_must_be_qmd_files_inside_the_project(mini, chapter):
    outside = mini.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "evil.qmd").write_text("# Evil\n\nHello.\n", encoding="utf-8")
    config = mini / "_quarto.yml"
    config.write_text(config.read_text().replace("    - chapters/one.qmd", f"    - {chapter}"), encoding="utf-8")
    with pytest.raises(RenderError) as info:
        load_project(mini)
    assert chapter in str(info.value)


def test_a_chapter_linked_to_a_file_outside_the_project_is_refused(mini):
    outside = mini.parent / "outside.qmd"
    outside.write_text("# Outside\n", encoding="utf-8")
    (mini / "chapters" / "linked.qmd").symlink_to(outside)
    config = mini / "_quarto.yml"
    config.write_text(config.read_text().replace("    - chapters/one.qmd", "    - chapters/linked.qmd"),
                      encoding="utf-8")
    with pytest.raises(RenderError, match="outside the project"):
        load_project(mini)


def test_a_bibliography_outside_the_project_is_refused(mini):
    (mini.parent / "refs.bib").write_text("", encoding="utf-8")
    config = mini / "_quarto.yml"
    config.write_text(config.read_text().replace("bibliography: refs.bib", "bibliography: ../refs.bib"),
                      encoding="utf-8")
    with pytest.raises(RenderError, match="bibliography '../refs.bib'.*outside the project"):
        load_project(mini)


def _hold_lock(folder: str, ready, release) -> None:
    with build_lock(Path(folder)):
        ready.set()
        release.wait(30)


def test_a_second_build_while_one_runs_stops_with_a_message_and_touches_nothing(mini):
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(mini / ".bookcache"), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(RenderError) as info:
            build(mini, log=quiet)
        assert f"process {holder.pid}" in str(info.value) and "another render" in str(info.value)
        assert not (mini / "_site").exists() and not list(mini.glob("_site.tmp-*"))
    finally:
        release.set()
        holder.join(30)
    with build_lock(mini / ".bookcache"):  # released when its holder ended
        pass


def test_only_staging_folders_of_builds_that_no_longer_run_are_removed(tmp_path):
    out = tmp_path / "_site"
    alive, dead, unowned = (tmp_path / f"_site.tmp-{name}" for name in ("alive", "dead", "unowned"))
    for folder in (alive, dead, unowned):
        folder.mkdir()
    parent_pid = os.getppid()  # a process that certainly runs
    (alive / OWNER_FILE).write_text(str(parent_pid), encoding="utf-8")
    child = multiprocessing.get_context("fork").Process(target=int)
    child.start()
    child.join()
    (dead / OWNER_FILE).write_text(str(child.pid), encoding="utf-8")  # ended and reaped
    removed = remove_dead_staging(out)
    assert sorted(removed) == sorted([dead, unowned])
    assert alive.exists() and not dead.exists() and not unowned.exists()


@pytest.mark.render
def test_a_built_site_carries_the_marker_and_can_be_rebuilt(mini):
    site = build(mini, log=quiet).output_dir
    assert (site / SITE_MARKER).exists()
    (mini / "numbers.txt").write_text("8\n", encoding="utf-8")
    assert build(mini, log=quiet).output_dir == site
    assert not list(mini.glob("_site.tmp-*"))
