"""The modules a page's script imports, to announce them all in its HTML
(`<link rel="modulepreload">`): on a 300 ms link the browser then fetches them side by
side instead of one import level after another (bench/phone_first_paint.py)."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path

from ballot.assets import asset_dir

# Our modules' static imports: `import … from "./x.js"`, `export … from "./x.js"`, `import "./x.js"`.
IMPORT = re.compile(r'^\s*(?:import|export)\b[^;"]*?\bfrom\s*"([^"]+)"|^\s*import\s*"([^"]+)"', re.M)


@lru_cache(maxsize=8)
def module_graph(entry: str) -> tuple[str, ...]:
    """Every module `entry` (a path under static/) imports, directly or not, itself first."""
    static = asset_dir("static")
    found: list[str] = []
    pending = [entry]
    while pending:
        path = pending.pop(0)
        if path in found:
            continue
        found.append(path)
        text = Path(static, path).read_text(encoding="utf-8")
        for match in IMPORT.finditer(text):
            pending.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), match[1] or match[2])))
    return tuple(found)
