"""Write gradexplain/fonts.py: which installed font has each character, for LuaLaTeX documents.

A name in Cyrillic, Hebrew, Devanagari or Han script is set by LuaLaTeX from a font that has
it; gradexplain must name that font in the document without looking at the user's machine (a
renderer is a pure function), so the answer is this table, made once from the fonts that the
README's apt-get line installs on Debian 12. Run it after changing that line:

    python3 tests/make_fonts_table.py > gradexplain/fonts.py

It needs those packages, fc-scan (fontconfig) and perl (whose Unicode::UCD names each character's script).
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections import Counter

PACKAGES = ("fonts-lmodern", "fonts-noto-core", "fonts-wqy-zenhei")
MAIN = "Latin Modern Roman"  # the document's own font; the others are its fallbacks
# Variants of a family that cover nothing their plain family lacks, or that look out of place.
SKIP = re.compile(r"Display|Slanted|Unjoined|Tifinagh .|Mono|Sharp|UI\b")
LATIN_LIKE = {"Latn", "Grek", "Cyrl"}  # simple scripts: no shaping engine needed
SYMBOLS = ("Noto Sans Math", "Noto Sans Symbols", "Noto Sans Symbols2", "Noto Music")  # no script of their own
# Indic scripts have two OpenType tags; HarfBuzz shapes best with the second ("new") one.
NEW_TAGS = {
    "Beng": "bng2",
    "Deva": "dev2",
    "Gujr": "gjr2",
    "Guru": "gur2",
    "Knda": "knd2",
    "Mlym": "mlm2",
    "Mymr": "mym2",
    "Orya": "ory2",
    "Taml": "tml2",
    "Telu": "tel2",
}
SCRIPT_OF = """use Unicode::UCD qw(charscript prop_value_aliases);
while (<STDIN>) {
    chomp; my @a = prop_value_aliases("sc", charscript(hex($_)) // "Zzzz"); print(($a[0] // "Zzzz"), "\\n");
}
"""


def charsets() -> dict[str, set[int]]:
    """Each family's regular face in the packages, as the set of code points it has (other fonts
    installed on the machine play no part)."""
    files = subprocess.run(["dpkg", "-L", *PACKAGES], capture_output=True, text=True, check=True).stdout.split()
    fonts = [name for name in files if name.endswith((".ttf", ".otf", ".ttc"))]
    fonts = [name for name in fonts if "/lm/" not in name or name.endswith("/lmroman10-regular.otf")]
    listing = subprocess.run(
        ["fc-scan", "--format", "%{family[0]}|%{style[0]}|%{charset}\n", *fonts],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    families: dict[str, set[int]] = {}
    for line in sorted(listing.splitlines()):
        family, style, charset = line.split("|")
        if style not in ("Regular", "10 Regular") or family in families:
            continue
        points: set[int] = set()
        for part in charset.split():
            first, _, last = part.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
        families[family] = points
    return families


def priority(families: dict[str, set[int]]) -> list[str]:
    """Fonts in the order they are tried: the main font, serif Noto (like Latin Modern), then sans."""
    noto = sorted(name for name in families if name.startswith("Noto") and not SKIP.search(name))
    order = [MAIN, "Noto Serif"]
    order += [name for name in noto if name.startswith("Noto Serif ")]
    order += ["Noto Naskh Arabic", "Noto Sans"]
    order += [name for name in noto if name.startswith("Noto Sans ")]
    order += [name for name in noto if name not in order]
    order.append("WenQuanYi Zen Hei")
    missing = [name for name in order if name not in families]
    if missing:
        sys.exit(f"not installed: {', '.join(missing)} (apt-get install {' '.join(PACKAGES)})")
    return order


def wanted(point: int) -> bool:
    """Characters that can reach a document: anything printable beyond ASCII."""
    return unicodedata.category(chr(point)) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")


def main() -> None:
    families = charsets()
    order = priority(families)
    font_of: dict[int, int] = {}
    for point in range(0x80, 0x110000):
        if wanted(point):
            font_of[point] = next((i for i, name in enumerate(order) if point in families[name]), -1)

    # The script each fallback font is used for, by majority over the name characters it sets.
    points = [point for point in font_of if ("a" + chr(point)).isidentifier() and font_of[point] > 0]
    scripts = subprocess.run(
        ["perl", "-e", SCRIPT_OF], input="\n".join(f"{p:x}" for p in points), capture_output=True, text=True, check=True
    ).stdout.split()
    votes: dict[int, Counter[str]] = {}
    for point, script in zip(points, scripts, strict=True):
        if script not in ("Zyyy", "Zinh", "Zzzz"):
            votes.setdefault(font_of[point], Counter())[script] += 1

    used = sorted({index for index in font_of.values() if index >= 0})
    renumber = {old: new for new, old in enumerate(used)}
    fonts = []
    for index in used:
        script = votes[index].most_common(1)[0][0] if index in votes else "Zyyy"
        plain = index == 0 or order[index] in SYMBOLS or script in LATIN_LIKE | {"Zyyy"}
        tag = "" if plain else NEW_TAGS.get(script, script.lower())
        fonts.append((order[index], tag))

    ranges: list[tuple[int, int]] = []  # (first code point, font); a range ends where the next begins
    for point, index in sorted(font_of.items()):
        font = renumber.get(index, -1)
        if not ranges or ranges[-1][1] != font:
            ranges.append((point, font))

    versions = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}, ", *PACKAGES], capture_output=True, text=True, check=True
    ).stdout.rstrip(", ")
    print('"""Which font has which character, for names that only LuaLaTeX can set (Cyrillic, Hebrew, Han, …).')
    print()
    print("Generated by tests/make_fonts_table.py (do not edit by hand) from the fonts of Debian 12's")
    print(f"{versions}.")
    print("The fonts are tried in this order; the first that has a character sets it.")
    print('"""')
    print()
    print("from __future__ import annotations")
    print()
    print("from bisect import bisect_right")
    print()
    print("# (family, OpenType script that HarfBuzz shapes it as, or '' for none); 0 is the main font.")
    print("FONTS: tuple[tuple[str, str], ...] = (")
    for family, tag in fonts:
        print(f'    ("{family}", "{tag}"),')
    print(")")
    print()
    print("# Ranges of code points as 'first:font' (hexadecimal, index into FONTS or -1 for none);")
    print("# a range runs up to the next one's first code point.")
    print("_RANGES = (")
    line = ""
    for point, font in ranges:
        item = f"{point:x}:{font} "
        if len(line) + len(item) > 100:
            print(f'    "{line}"')
            line = ""
        line += item
    print(f'    "{line.rstrip()}"')
    print(")")
    print('_FIRST: tuple[int, ...] = tuple(int(item.split(":")[0], 16) for item in _RANGES.split())')
    print('_FONT: tuple[int, ...] = tuple(int(item.split(":")[1]) for item in _RANGES.split())')
    print()
    print()
    print("def font_of(char: str) -> int | None:")
    print('    """The index in FONTS of the font that sets `char`, or None when no font listed has it."""')
    print("    at = bisect_right(_FIRST, ord(char)) - 1")
    print("    return None if at < 0 or _FONT[at] < 0 else _FONT[at]")


if __name__ == "__main__":
    main()
