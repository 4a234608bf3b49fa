"""The dependency rule (docs/architecture.md): the contracts in pyproject.toml's
[tool.importlinter] hold for the code as it is. `make lint` runs the same check."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[3]


def test_subsystems_sit_on_the_kernel_and_core_imports_nothing_above_it(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
