"""Names that are different strings but look the same: Latin `a` and Cyrillic `а`, `w` and the
mathematical bold `𝐰`, or `w11` and `w_11`, which LaTeX writes alike (w_{11}). gradexplain keeps
them apart, but a reader cannot, so each such group gets a warning.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from gradexplain.errors import brief
from gradexplain.latex import latex_name

# Cyrillic and Greek letters drawn like Latin ones in common fonts (from Unicode's
# confusables.txt, letters only); NFKC already folds compatibility forms such as 𝐰 and ﬁ.
_CONFUSABLES = str.maketrans(
    {
        **dict(zip("аеорсухѕіјԁԛԝһӏ", "aeopcyxsijdqwhl", strict=True)),
        **dict(zip("АВЕКМНОРСТХУЅІЈԚԜ", "ABEKMHOPCTXYSIJQW", strict=True)),
        **dict(zip("οικνρυχ", "oikvpux", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    }
)
# At most this many groups are named, each with at most this many names: the rest are counted.
_GROUPS_SHOWN = 5
_NAMES_SHOWN = 3


def skeleton(name: str) -> str:
    """What `name` looks like: NFKC-normalised, with look-alike letters replaced by Latin ones."""
    return unicodedata.normalize("NFKC", name).translate(_CONFUSABLES)


def lookalike_warnings(names: Iterable[str]) -> tuple[str, ...]:
    """One warning per group of distinct names that look alike on screen or in LaTeX."""
    distinct = list(dict.fromkeys(names))
    plain = [name for name in distinct if name.isascii()]
    other = [name for name in distinct if not name.isascii()]
    warnings: list[tuple[str, ...]] = []
    seen: set[frozenset[str]] = set()

    def note(group: list[str], why: str) -> None:
        if len(group) > 1 and frozenset(group) not in seen:
            seen.add(frozenset(group))
            warnings.append((*group, why))

    # On screen: only a name with a non-ASCII letter can look like another.
    if other:
        by_look: dict[str, list[str]] = defaultdict(list)
        for name in plain:
            by_look[name].append(name)
        for name in other:
            by_look[skeleton(name)].append(name)
        for group in by_look.values():
            note(group, "look alike")
    # In LaTeX: two ASCII names are written alike only if they differ just in underscores
    # (w11, w_11), so one of them has an underscore: in an all-ASCII graph only those are compared.
    if other:
        candidates = distinct
    else:
        letters = [name.replace("_", "") for name in plain]
        count = Counter(letters)
        candidates = [name for name, key in zip(plain, letters, strict=True) if count[key] > 1]
    by_latex: dict[str, list[str]] = defaultdict(list)
    for name in candidates:
        by_latex[latex_name(name)].append(name)
    for written, group in by_latex.items():
        note(group, f"are all written {brief(written, 40)} in LaTeX")
    return _worded(warnings)


def _worded(groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    worded: list[str] = []
    for *group, why in groups[:_GROUPS_SHOWN]:
        shown = [_spelled(name) for name in group[:_NAMES_SHOWN]]
        if len(group) > _NAMES_SHOWN:
            shown.append(f"{len(group) - _NAMES_SHOWN:,} more")
        names = ", ".join(shown[:-1]) + " and " + shown[-1]
        why = why.replace("are all", "are both") if len(group) == 2 else why
        worded.append(f"different names that {why}: {names}; rename one to tell them apart")
    if len(groups) > _GROUPS_SHOWN:
        worded.append(f"{len(groups) - _GROUPS_SHOWN:,} more groups of look-alike names")
    return tuple(worded)


def _spelled(name: str) -> str:
    """A name with the code points of its non-ASCII characters, which tell look-alikes apart:
    `а (U+0430)`."""
    shown = brief(name, 30)
    codes = [f"U+{ord(char):04X}" for char in dict.fromkeys(name) if not char.isascii()]
    if not codes:
        return shown
    return f"{shown} ({', '.join(codes[:3])}{', …' if len(codes) > 3 else ''})"
