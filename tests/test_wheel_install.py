"""The package as a user installs it: the wheel built from this checkout, installed
into a fresh virtual environment, serves every page and asset from another
folder (nothing read from the checkout)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import requests

from tests.server_process import running

ROOT = Path(__file__).resolve().parent.parent


def _built_wheel(out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    [wheel] = out.glob("phieukin-*.whl")
    return wheel


def _fresh_venv(path: Path, wheel: Path) -> Path:
    """A venv holding only the wheel; its dependencies are read from this test's own
    environment (one plain path line: that environment's editable checkout of the
    project is not on it)."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    bin_dir = path / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True)
    site = subprocess.run([bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return bin_dir


def test_wheel_serves_every_page_from_another_folder(tmp_path):
    bin_dir = _fresh_venv(tmp_path / "venv", _built_wheel(tmp_path / "dist"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([bin_dir / "python", "-c", "import ballot; print(ballot.__file__)"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout
    assert str(tmp_path / "venv") in where and str(ROOT) not in where

    codes_file = elsewhere / "codes.json"
    with running(["demo", "--data", "data", "--export-codes", str(codes_file)],
                 command=[str(bin_dir / "ballot")], cwd=elsewhere) as server:
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        for path in ("/host", "/verify", f"/j/{codes['meeting_code']}", f"/projector/{codes['meeting_id']}",
                     "/static/css/app.css", "/static/js/phone.js", "/static/js/vocabulary.js",
                     "/static/vendor/noble-hashes/noble-hashes.js", "/host/roster-sample.csv",
                     "/host/roster-sample/21-HD-2019.xlsx", "/host/roster-sample/366-2025.csv"):
            answer = requests.get(server.base + path, timeout=10)
            assert answer.status_code == 200, (path, answer.status_code)
    assert (elsewhere / "data" / "keys" / "certify_ed25519.pem").exists()
