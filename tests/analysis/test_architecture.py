"""The layers of ``analysis/`` and the direction of their imports.

Data flows one way (STYLE.md, ARCHITECTURE.md): a module imports only from its own layer or the
layers below it, the science knows nothing about charts, tables or the renderer, and the renderer
knows nothing about the science.
"""
import ast
import re
from pathlib import Path

import pytest

from analysis.paths import ROOT

#: the layers of analysis/, lowest first, and the modules (or packages) in each.
LAYERS = {
    "foundation": ("analysis.paths", "analysis.format", "analysis.about"),
    "engine": ("analysis.stats",),
    "data": ("analysis.data",),
    "domain": ("analysis.domain",),
    "audit": ("analysis.audit",),
    "report": ("analysis.report",),
    "pages": ("analysis.chapters", "analysis"),
}
ORDER = list(LAYERS)
#: third-party packages that draw or display: only the report and page layers may use them.
DISPLAY_PACKAGES = ("altair", "vl_convert", "IPython", "jinja2", "bookrender")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str:
    best = max((unit for units in LAYERS.values() for unit in units
                if module == unit or module.startswith(unit + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS here and to ARCHITECTURE.md")
    return next(name for name, units in LAYERS.items() if best in units)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "analysis")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


MODULES = sorted((_module_name(p), p) for p in (ROOT / "analysis").rglob("*.py"))


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_imports_point_down_the_layers(module, path):
    own = ORDER.index(_layer(module))
    upward = sorted(name for name in _imports(path)
                    if name.startswith("analysis.") and ORDER.index(_layer(name)) > own)
    assert not upward, (f"{module} ({_layer(module)}) imports {upward} from a higher layer; move the code down "
                        f"or the call up (layers, lowest first: {', '.join(ORDER)})")


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_only_report_and_pages_use_display_packages(module, path):
    if ORDER.index(_layer(module)) >= ORDER.index("report"):
        return
    used = sorted(name for name in _imports(path) if name.split(".")[0] in DISPLAY_PACKAGES)
    assert not used, f"{module} ({_layer(module)}) imports {used}: the science knows nothing about display"


def test_the_engine_imports_nothing_else_of_analysis():
    for module, path in MODULES:
        if _layer(module) == "engine":
            other = sorted(n for n in _imports(path) if n.startswith("analysis") and not n.startswith("analysis.stats"))
            assert not other, f"{module} imports {other}: the statistics engine stands alone"


def test_nothing_in_analysis_imports_the_renderer_and_the_renderer_imports_no_analysis():
    for module, path in MODULES:
        assert not any(n.split(".")[0] == "bookrender" for n in _imports(path)), module
    for path in (ROOT / "bookrender").rglob("*.py"):
        science = [n for n in _imports(path) if n.split(".")[0] == "analysis"]
        assert not science, f"{path.relative_to(ROOT)} imports {science}: the renderer knows no meta-analysis"


def test_every_layer_and_module_is_described_in_architecture_md():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for layer, units in LAYERS.items():
        assert f"**{layer}**" in text, f"ARCHITECTURE.md does not describe the {layer} layer"
        for unit in units:
            if unit == "analysis":
                continue
            path = unit.replace(".", "/")
            assert f"`{path}" in text, f"ARCHITECTURE.md does not place {path} in a layer"
    for module, path in MODULES:
        parts = module.split(".")
        if len(parts) == 3 and parts[1] in ("domain", "audit", "report", "chapters") and parts[2] != "page":
            assert f"`{parts[2]}" in text, f"ARCHITECTURE.md does not describe {path.relative_to(ROOT)}"


def test_every_place_architecture_md_names_exists():
    """The "one place" of each fact: every `analysis/...` path and `analysis.<module>.<name>` in ARCHITECTURE.md
    is in the tree (a fact moved without its row fails here)."""
    import importlib

    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for path in set(re.findall(r"`(analysis/[\w/]+(?:\.py)?)`", text)):
        assert (ROOT / path).exists(), f"ARCHITECTURE.md names {path}, which does not exist"
    for dotted in set(re.findall(r"`(analysis(?:\.\w+)+)`", text)):
        module, _, name = dotted.rpartition(".")
        try:
            importlib.import_module(dotted)
            continue
        except ImportError:
            pass
        obj = getattr(importlib.import_module(module), name, None)
        assert obj is not None, f"ARCHITECTURE.md names {dotted}, which does not exist"
        home = getattr(obj, "__module__", None) if callable(obj) else None
        # defined there, or in a module of that package (which re-exports it); not imported from elsewhere
        assert home is None or home == module or home.startswith(module + "."), \
            f"ARCHITECTURE.md says {dotted}, but it is defined in {home}"


def test_the_data_package_allows_exactly_the_provenance_tiers():
    import json

    from analysis.paths import DATAPACKAGE
    from analysis.domain.provenance import LEGEND_MEANINGS, TIER_DEFINITIONS, TIERS

    allowed = set()
    for resource in json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"] == "tier":
                allowed |= set(field.get("constraints", {}).get("enum", []))
    assert allowed == set(TIERS)
    assert list(LEGEND_MEANINGS) == list(TIERS) == list(TIER_DEFINITIONS["tier"])


def test_every_pooled_outcome_of_the_paper_is_in_the_outcome_registry():
    from analysis.data import load
    from analysis.domain.outcomes import outcome_registry

    evidence = load("published_results", "published_result_studies")
    pooled = evidence.published_results[evidence.published_results["result_key"].isin(
        set(evidence.published_result_studies["result_key"]))]
    assert set(pooled["outcome"]) <= set(outcome_registry(evidence))


def _readme_layout() -> list[tuple[str, list[str]]]:
    """(parent folder, names) for each line of the README's layout block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    entries, parent = [], ""
    for line in block.strip("\n").splitlines():
        indented = line.startswith("  ")
        names_part = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        names = [n.strip() for n in names_part.split(",")]
        if not indented:
            parent = names[0] if names[0].endswith("/") else ""
        entries.append((parent if indented else "", names))
    return entries


def test_the_readme_layout_names_only_what_exists_and_every_layer_of_analysis():
    listed = set()
    for parent, names in _readme_layout():
        for name in names:
            path = ROOT / parent / name
            assert path.exists(), f"README's layout lists {parent}{name}, which does not exist"
            listed.add(f"{parent}{name}")
    for folder in sorted(p for p in (ROOT / "analysis").iterdir() if (p / "__init__.py").is_file()):
        assert f"analysis/{folder.name}/" in listed, f"README's layout does not list analysis/{folder.name}/"
