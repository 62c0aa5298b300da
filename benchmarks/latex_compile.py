"""How long the LaTeX output takes to compile: pdflatex for ASCII names, lualatex for names in
other alphabets (see README, "LaTeX and Unicode names").

    python benchmarks/latex_compile.py [--runs 5]

For each document: the program it names, its size, one compile with an empty LuaTeX cache
(TEXMFCACHE in a new folder: luaotfload indexes the system's fonts and caches each font it loads,
which a new machine pays once) and the median of the warm compiles after it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradexplain import explain  # noqa: E402
from gradexplain.render import render_text  # noqa: E402

CYRILLIC = "вес = 2; икс = -2; сдвиг = 8; цель = 2; c = вес*икс; a = c + сдвиг; d = a - цель; ошибка = d**2/2"
SCRIPTS = "ошибка = 𝐰*x + ℓ; 损失 = ошибка^2; שגיאה = 损失/2 + λά; خطأ = שגיאה*𝓌; 손실 = خطأ - नमन"
SCRIPT_VALUES = {"𝐰": 2, "x": 3, "ℓ": 1, "λά": 0.5, "𝓌": 2, "नमन": 1}


def documents() -> dict[str, str]:
    """The documents compiled: a sample with ASCII names, the same in Cyrillic, six scripts."""
    source = (ROOT / "gradexplain" / "examples" / "linear_regression.gx").read_text(encoding="utf-8")
    programs = {
        "gradexplain/examples/linear_regression.gx (ASCII names)": (source, {}),
        "the same with Cyrillic names": (CYRILLIC, {}),
        "names in six scripts": (SCRIPTS, SCRIPT_VALUES),
    }
    return {
        label: render_text(explain(program, values, check=True), "latex", standalone=True)
        for label, (program, values) in programs.items()
    }


def engine(document: str) -> str:
    first = document.partition("\n")[0]
    return first.removeprefix("% !TEX program = ") if first.startswith("% !TEX program = ") else "pdflatex"


def compile_seconds(document: str, folder: Path, cache: Path) -> float:
    (folder / "trace.tex").write_text(document, encoding="utf-8")
    start = time.perf_counter()
    result = subprocess.run(
        [engine(document), "-interaction=nonstopmode", "-halt-on-error", "trace.tex"],
        capture_output=True,
        cwd=folder,
        env={**os.environ, "TEXMFCACHE": str(cache), "TEXMFVAR": str(cache)},
        timeout=600,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{engine(document)} failed:\n{(folder / 'trace.log').read_text(errors='replace')[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm compiles per document")
    runs = parser.parse_args().runs
    print("| document | program | size | first compile, empty cache (s) | warm compile, median (s) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, document in documents().items():
        with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as cache:
            cold = compile_seconds(document, Path(folder), Path(cache))
            warm = statistics.median(compile_seconds(document, Path(folder), Path(cache)) for _ in range(runs))
        size = f"{len(document.encode()) / 1000:.1f} kB"
        print(f"| {label} | {engine(document)} | {size} | {cold:.2f} | {warm:.2f} |")


if __name__ == "__main__":
    main()
