"""Chinese glyphs in matplotlib figures (publication step).

matplotlib draws boxes for Chinese unless a CJK font is registered. Debian's
``fonts-noto-cjk`` (SIL Open Font License) is installed by ``make setup``; this module
registers its file with matplotlib's font manager (a cache built before the install does
not see it) and puts the family first. Call :func:`use_cjk_font` after
``seaborn.set_theme()``, which resets the font list. May import: matplotlib and
:mod:`reformlib.errors`.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib import font_manager

from reformlib.errors import SetupError

#: Files searched, in order; the first that exists is registered.
CJK_FONT_FILES: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
#: Family name matplotlib reads from the Noto Sans CJK collection.
CJK_FAMILY = "Noto Sans CJK JP"


def cjk_font_file() -> Path:
    """Return the CJK font file to use, or raise :class:`SetupError` naming the fix."""
    for path in CJK_FONT_FILES:
        if path.exists():
            return path
    raise SetupError(
        "No Chinese font found (looked for "
        + ", ".join(str(p) for p in CJK_FONT_FILES)
        + "). Install it with `make fonts` (as root) or `sudo apt-get install -y fonts-noto-cjk`."
    )


def cjk_font_available() -> bool:
    """Whether a Chinese font file of :data:`CJK_FONT_FILES` is installed."""
    return any(path.exists() for path in CJK_FONT_FILES)


#: The CJK font files registered with matplotlib's font manager in this process, with their
#: family names (each registered once: the font manager appends an entry on every ``addfont``).
_REGISTERED: dict[str, str] = {}


def use_cjk_font() -> str:
    """Register the CJK font and make it matplotlib's first sans-serif family.

    Returns the family name. Idempotent: the font file is read and registered once per
    process (a font manager whose cache already lists it is not given it again); the settings
    are made again on every call (``seaborn.set_theme()`` resets them), and only where they differ.
    """
    path = str(cjk_font_file())
    family = _REGISTERED.get(path)
    if family is None:
        manager = font_manager.fontManager
        known = next((f.name for f in manager.ttflist if f.fname == path), None)
        if known is None:
            manager.addfont(path)
            known = font_manager.FontProperties(fname=path).get_name()
        family = _REGISTERED[path] = known
    rc = matplotlib.rcParams
    sans = [family] + [f for f in rc["font.sans-serif"] if f != family]
    wanted = {"font.family": ["sans-serif"], "font.sans-serif": sans, "axes.unicode_minus": False}
    for key, value in wanted.items():
        if rc[key] != value:
            rc[key] = value
    return family
