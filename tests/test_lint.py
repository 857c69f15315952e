"""The code's shape, checked on every run: ruff's small rule set
(pyproject.toml, [tool.ruff.lint]) and the layering contracts of import-linter
(pyproject.toml, [tool.importlinter]; docs/architecture.md, “Layers”)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def test_ruff_passes():
    result = _run("ruff", "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers_hold():
    """web → services → store/report → rules/crypto, never upward; the rules and
    the crypto import neither Flask nor SQLAlchemy."""
    result = _run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
