"""Figures of a brief (publication step: matplotlib -> PNG for Word and HTML).

Charts are read by officials, so labels are Chinese and must not come out as boxes
(PIPELINE.md, "Chinese text"): matplotlib only warns ("Glyph 20013 (...) missing from
font(s) DejaVu Sans.") and draws an empty box. :func:`glyph_errors` turns those warnings,
and mathtext's "does not have a glyph" warnings, into a :class:`MissingGlyphError` listing
every missing character; :func:`check_glyphs` draws a figure under it. Register the CJK
font first with :func:`reformlib.report.fonts.use_cjk_font`.

:func:`save_figure` writes PNG at print resolution (200 dpi; SVG would turn text into
shapes), atomically, and by default refuses a figure with missing glyphs.
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

__all__ = ["MissingGlyphError", "glyph_errors", "check_glyphs", "save_figure"]

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
                strict_glyphs: bool = True) -> Path:
    """Save ``fig`` as PNG at ``dpi`` to ``path`` atomically and return the path.

    The folder is created when missing. With ``strict_glyphs`` (the default) a figure with missing glyphs raises
    :class:`MissingGlyphError` and nothing is written.
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
        fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight",
                    metadata={"Software": None})
    return target
