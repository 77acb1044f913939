"""Helpers to read Vega-Lite specs in tests: find unit views, their marks and their data rows."""
from __future__ import annotations


def unit_views(spec: dict) -> list[dict]:
    """Every view that has a mark, in document order (walks layer/hconcat/vconcat/concat).

    Each is a shallow copy whose ``data`` is its own or the nearest ancestor's.
    """
    found = []

    def walk(node, inherited):
        if isinstance(node, dict):
            data = node.get("data", inherited)
            if "mark" in node:
                found.append({**node, "data": data})
            for key in ("layer", "hconcat", "vconcat", "concat"):
                for child in node.get(key, []):
                    walk(child, data)

    walk(spec, spec.get("data"))
    return found


def mark_type(view: dict) -> str:
    mark = view["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def rows(spec: dict, view: dict) -> list[dict]:
    data = view.get("data", {})
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def views_of(spec: dict, kind: str) -> list[dict]:
    return [v for v in unit_views(spec) if mark_type(v) == kind]


def all_transforms(node) -> list[dict]:
    out = []
    if isinstance(node, dict):
        out.extend(node.get("transform", []))
        for value in node.values():
            out.extend(all_transforms(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(all_transforms(value))
    return out
