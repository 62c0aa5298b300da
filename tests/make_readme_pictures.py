"""Makes the documentation's pictures (run it after changing how they look):

    python tests/make_readme_pictures.py

docs/images/views/: plot.svg, sweep.svg and descent.svg are what `gradexplain ... -o FILE` writes;
forward_mode.png is a screenshot (headless Chromium) of the HTML tables of forward mode beside the
backward pass for Baydin et al.'s example, cropped to its content. docs/images/lab.png is the lab
page of the lecture's unit in Chromium (driven by Playwright), half worked, one answer wrong.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradexplain import explain  # noqa: E402
from gradexplain.output import render_bytes  # noqa: E402
from gradexplain.render import html  # noqa: E402
from gradexplain.render.report import Report, build_report  # noqa: E402
from gradexplain.views import with_views  # noqa: E402

OUT = ROOT / "docs" / "images" / "views"
SQUARE = (ROOT / "gradexplain" / "examples" / "square.gx").read_text(encoding="utf-8")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    square = explain(SQUARE, check=True)
    (OUT / "plot.svg").write_bytes(render_bytes(with_views(square, plot="w"), "svg").data)
    (OUT / "sweep.svg").write_bytes(render_bytes(with_views(square, sweep="w"), "svg").data)
    descent = with_views(square, plot="w", descend=8, lr="0.9")
    (OUT / "descent.svg").write_bytes(render_bytes(descent, "svg").data)
    baydin = with_views(explain("ln(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5}), mode="forward")
    report = build_report(baydin)
    # Baydin et al.'s Table 2: the forward sweep seeded at x1 beside the reverse trace, then the comparison.
    shown = ("Backward pass", "Forward mode (left to right), sweep 1", "Forward mode against")
    tables = tuple(t for t in report.tables if t.title.startswith(shown))
    page = html.render_report(Report(report.heading, tables, ()), None, "forward mode")
    page = re.sub(r'<h2>Computation graph</h2>\n<p class="missing">.*?</p>\n', "", page)
    with tempfile.TemporaryDirectory() as folder:
        source, shot = Path(folder) / "page.html", Path(folder) / "shot.png"
        source.write_text(page, encoding="utf-8")
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={shot}", "--window-size=1000,1400", source.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        from PIL import Image, ImageChops

        image = Image.open(shot).convert("RGB")
        box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
        assert box is not None
        left, top, right, bottom = box
        image.crop((max(0, left - 16), max(0, top - 16), right + 16, bottom + 16)).save(OUT / "forward_mode.png")
    _lab_picture(ROOT / "docs" / "images" / "lab.png")
    for path in [*sorted(OUT.iterdir()), ROOT / "docs" / "images" / "lab.png"]:
        print(path.relative_to(ROOT), path.stat().st_size)


def _lab_picture(target: Path) -> None:
    """The lecture's lab page with six boxes answered right, ∂J/∂c answered 1 (the local
    derivative ∂ℓJ/∂d left out) and its hint shown, as a student sees it at 1100 × 900."""
    from playwright.sync_api import sync_playwright

    lecture = (ROOT / "gradexplain" / "examples" / "linear_regression.gx").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "lecture.lab.html"
        page_file.write_bytes(render_bytes(explain(lecture), "lab").data)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(page_file.as_uri())
            answers = [("value", "c", "-4"), ("value", "a", "4"), ("value", "d", "2"), ("value", "J", "2")]
            answers += [("gradient", "d", "2"), ("gradient", "a", "2"), ("gradient", "c", "1")]
            for kind, node, answer in answers:
                box = page.locator(f'input[data-kind="{kind}"][data-node="{node}"]')
                box.fill(answer)
                box.press("Enter")
            page.get_by_role("button", name="Hint for ∂J/∂c", exact=True).click()
            page.screenshot(path=str(target), full_page=False)
            browser.close()


if __name__ == "__main__":
    main()
