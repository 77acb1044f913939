"""Delegation to real Quarto (>= 1.9) when it is installed, and the hooks `_quarto.yml`
runs so that Quarto's `_site/` has the same layout as bookrender's:
- post-render: the PDF gets its version in its file name, and the chart JavaScript
  (served locally, never from a CDN) is copied into `site_libs/`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from bookrender.errors import RenderError
from bookrender.guard import SITE_MARKER, check_output_dir, site_marker

MIN_VERSION = (1, 9)
ASSETS = Path(__file__).resolve().parent / "assets"


def find_quarto() -> str | None:
    """The path of a `quarto` >= 1.9 on PATH, or None."""
    exe = shutil.which("quarto")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"(\d+)\.(\d+)", out.strip())
    if not match or (int(match.group(1)), int(match.group(2))) < MIN_VERSION:
        return None
    return exe


def render_with_quarto(exe: str, root: Path, output_dir: str | None) -> None:
    from bookrender.build import source_date_epoch
    from bookrender.project import load_project

    project = load_project(root)
    check_output_dir(project.root, project.root / (output_dir or project.output_dir), project.identity)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(source_date_epoch(root)))
    cmd = [exe, "render"] + (["--output-dir", output_dir] if output_dir else [])
    proc = subprocess.run(cmd, cwd=root, env=env, check=False)
    if proc.returncode != 0:
        raise RenderError(f"`quarto render` failed (exit {proc.returncode}); see its messages above.")


def post_render(root: Path, output_dir: Path) -> None:
    """Called by Quarto after a render (see `_quarto.yml`)."""
    import yaml
    import vl_convert

    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    base = config["book"]["output-file"]
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    plain, versioned = output_dir / f"{base}.pdf", output_dir / f"{base}-v{version}.pdf"
    if plain.exists():
        plain.replace(versioned)
        for page in output_dir.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            if f"{base}.pdf" in text:
                page.write_text(text.replace(f"{base}.pdf", versioned.name), encoding="utf-8")
    libs = output_dir / "site_libs"
    (libs / "vega").mkdir(parents=True, exist_ok=True)
    (libs / "vega" / "vega-bundle.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    (libs / "bookrender").mkdir(parents=True, exist_ok=True)
    shutil.copy(ASSETS / "charts.js", libs / "bookrender" / "charts.js")
    from bookrender.project import load_project

    (output_dir / SITE_MARKER).write_text(site_marker(load_project(root).identity), encoding="utf-8")


if __name__ == "__main__":  # python -m bookrender.quarto post
    if sys.argv[1:] == ["post"]:
        project_root = Path.cwd()
        out = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_site")
        post_render(project_root, (project_root / out).resolve())
    else:
        sys.exit("usage: python -m bookrender.quarto post")
