"""Figures of a brief (publication step: matplotlib -> PNG for Word and HTML).

Charts are read by officials, so labels are Chinese and must not come out as boxes
(PIPELINE.md, "Chinese text"): matplotlib only warns ("Glyph 20013 (...) missing from
font(s) DejaVu Sans.") and draws an empty box. :func:`glyph_errors` turns those warnings,
and mathtext's "does not have a glyph" warnings, into a :class:`MissingGlyphError` listing
every missing character; :func:`check_glyphs` draws a figure under it. Register the CJK
font first with :func:`reformlib.report.fonts.use_cjk_font`.

:func:`save_figure` writes PNG at print resolution (200 dpi; SVG would turn text into
shapes), atomically, and by default refuses a figure with missing glyphs. The PNG is matplotlib's own (Agg's
pixels written by Pillow) at zlib level :data:`COMPRESS_LEVEL`, with no text chunk, so the
same figure is the same bytes in every process. A figure that lays itself out
(``crop=False``) is drawn once.

May import: matplotlib, :mod:`reformlib.errors`, :mod:`reformlib.report.atomic`.
"""
from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

from matplotlib.figure import Figure

from reformlib.errors import ParameterError, SetupError
from reformlib.report.atomic import atomic_path

__all__ = ["COMPRESS_LEVEL", "PAD_INCHES", "MissingGlyphError", "check_glyphs", "glyph_errors", "save_figure"]

#: zlib level of a saved PNG (Pillow's ``compress_level``): on a brief's figures (1600 × 570
#: and 1680 × 680 pixels) level 1 writes in about 26-32 ms against 50-57 ms at level 6,
#: Pillow's default, for a file about a seventh larger (73 KB against 64-70 KB). Pillow
#: chooses a filter for every row of an RGB(A) image whatever the settings (most of its time).
COMPRESS_LEVEL = 1
#: Margin around a cropped figure's content, in inches.
PAD_INCHES = 0.1

_GLYPH_WARNING = re.compile(
    r"Glyph (?P<code>\d+) .*missing from font|does not have a glyph for '(?P<char>.)'")


class MissingGlyphError(SetupError):
    """A figure uses characters its fonts cannot draw; ``glyphs`` lists them."""

    def __init__(self, glyphs: list[str], messages: list[str]):
        self.glyphs = glyphs
        self.messages = messages
        super().__init__(
            f"{len(glyphs)} character(s) missing from the figure's fonts: {''.join(glyphs)!r}"
            f" ({messages[0]}). Call reformlib.report.fonts.use_cjk_font() before plotting, and "
            "again after seaborn.set_theme().")


@contextlib.contextmanager
def glyph_errors() -> Iterator[None]:
    """Raise :class:`MissingGlyphError` on leaving the block if any text drawn inside it
    had missing glyphs. Other warnings are passed on unchanged."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    glyphs: list[str] = []
    messages: list[str] = []
    for w in caught:
        match = _GLYPH_WARNING.search(str(w.message))
        if match is None:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            continue
        char = chr(int(match["code"])) if match["code"] else match["char"]
        if char not in glyphs:
            glyphs.append(char)
        messages.append(str(w.message))
    if glyphs:
        raise MissingGlyphError(glyphs, messages)


def check_glyphs(fig: Figure) -> None:
    """Draw ``fig`` and raise :class:`MissingGlyphError` if any character lacks a glyph."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, not {type(fig).__name__}")
    with glyph_errors():
        fig.canvas.draw()


def save_figure(fig: Figure, path: Path | str, *, dpi: int = 200,
                strict_glyphs: bool = True, crop: bool = True) -> Path:
    """Save ``fig`` as PNG at ``dpi`` to ``path`` atomically and return the path.

    The folder is created when missing. With ``strict_glyphs`` (the default) a figure with missing glyphs raises
    :class:`MissingGlyphError` and nothing is written. With ``crop`` (the default) the image is
    cut to the figure's content and :data:`PAD_INCHES` around it (``bbox_inches="tight"``,
    which draws the figure twice); ``crop=False`` keeps the figure's own size, for figures
    that lay themselves out (a brief's, :mod:`reformlib.report.plots`), and draws it once.
    The PNG is matplotlib's (Pillow's writer) at zlib level :data:`COMPRESS_LEVEL`, without
    the "Software" text chunk.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, not {type(fig).__name__}")
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise ParameterError(f"path must end in .png, not {target.name!r}")
    if not isinstance(dpi, int) or isinstance(dpi, bool) or not 72 <= dpi <= 1200:
        raise ParameterError(f"dpi must be an integer between 72 and 1200, not {dpi!r}")
    guard = glyph_errors() if strict_glyphs else contextlib.nullcontext()
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp, guard:
        fig.savefig(tmp, format="png", dpi=dpi, metadata={"Software": None},
                    pil_kwargs={"compress_level": COMPRESS_LEVEL},
                    **({"bbox_inches": "tight", "pad_inches": PAD_INCHES} if crop else {}))
    return target
