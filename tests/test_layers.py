"""The layer contract (pyproject.toml, run by `make check` too) holds, and catches a wrong import.

A copy of the code with one deliberately wrong import proves the contract is not vacuous: a
lower app (municipalities) importing a higher one (programs) must break it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("innocities", "municipalities", "clusters", "programs")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_layer_contract_holds():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Apps are layered: a lower app never imports a higher one KEPT" in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_the_contract(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "municipalities" / "models.py"
    models.write_text(models.read_text() + "\nfrom programs.models import Program  # noqa\n")

    result = _lint(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Apps are layered: a lower app never imports a higher one BROKEN" in result.stdout
    assert "municipalities.models -> programs.models" in result.stdout
