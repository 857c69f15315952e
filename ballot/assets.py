"""Folders kept at the repository's top level (static, templates, examples, docs),
found wherever the package runs from: inside it when installed from a wheel
(pyproject.toml, “force-include”), beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
PACKAGED_ASSETS = PACKAGE_ROOT / "_assets"


def asset_dir(name: str) -> Path:
    packaged = PACKAGED_ASSETS / name
    return packaged if packaged.is_dir() else PACKAGE_ROOT.parent / name
