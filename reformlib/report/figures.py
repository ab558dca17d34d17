"""Figures of a brief (publication step: matplotlib -> PNG for Word and HTML).

Charts are read by officials, so labels are Chinese and must not come out as boxes
(PIPELINE.md, "Chinese text"): matplotlib only warns ("Glyph 20013 (...) missing from
font(s) DejaVu Sans.") and draws an empty box. :func:`glyph_errors` turns those warnings,
and mathtext's "does not have a glyph" warnings, into a :class:`MissingGlyphError` listing
every missing character; :func:`check_glyphs` draws a figure under it. Register the CJK
font first with :func:`reformlib.report.fonts.use_cjk_font`.

:func:`save_figure` writes PNG at print resolution (200 dpi; SVG would turn text into
shapes), atomically, and by default refuses a figure with missing glyphs. A figure that lays
itself out (``crop=False``) is drawn once and written by :func:`png_bytes`: Pillow chooses a
filter for every row of the image (about two thirds of its time on a brief's figure, for a
file no smaller at the same zlib level), which a chart of flat colours does not need.

May import: matplotlib, numpy, :mod:`reformlib.errors`, :mod:`reformlib.report.atomic`.
"""
from __future__ import annotations

import contextlib
import re
import struct
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reformlib.errors import ParameterError, SetupError
from reformlib.report.atomic import atomic_path

__all__ = ["COMPRESS_LEVEL", "PAD_INCHES", "MissingGlyphError", "check_glyphs", "glyph_errors", "png_bytes",
           "save_figure"]

#: zlib level of a saved PNG: 3 compresses a brief's figure in less than half the time of
#: level 6 (Pillow's default), for a file about a tenth larger.
COMPRESS_LEVEL = 3
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


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_bytes(rgba: np.ndarray, *, dpi: int, level: int = COMPRESS_LEVEL) -> bytes:
    """A PNG file (W3C PNG specification: 8-bit RGBA, every row unfiltered, one zlib stream at
    ``level``, the resolution in a ``pHYs`` chunk, no text chunk) of an image given as a
    height × width × 4 array of bytes, such as a drawn Agg canvas's ``buffer_rgba()``."""
    image = np.asarray(rgba)
    if image.ndim != 3 or image.shape[2] != 4 or image.dtype != np.uint8 or 0 in image.shape:
        raise ParameterError(f"rgba must be a non-empty height × width × 4 array of uint8, not {image.dtype} "
                             f"{image.shape}")
    height, width = image.shape[:2]
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # each row: filter type 0, then its pixels
    rows[:, 1:] = image.reshape(height, -1)
    per_metre = round(dpi / 0.0254)
    return b"".join([b"\x89PNG\r\n\x1a\n",
                     _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),
                     _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     _chunk(b"IDAT", zlib.compress(rows.data, level)),
                     _chunk(b"IEND", b"")])


def save_figure(fig: Figure, path: Path | str, *, dpi: int = 200,
                strict_glyphs: bool = True, crop: bool = True) -> Path:
    """Save ``fig`` as PNG at ``dpi`` to ``path`` atomically and return the path.

    The folder is created when missing. With ``strict_glyphs`` (the default) a figure with missing glyphs raises
    :class:`MissingGlyphError` and nothing is written. With ``crop`` (the default) the image is
    cut to the figure's content and :data:`PAD_INCHES` around it (``bbox_inches="tight"``,
    which draws the figure twice); ``crop=False`` keeps the figure's own size, for figures
    that lay themselves out (a brief's, :mod:`reformlib.report.plots`), and draws it once
    (written by :func:`png_bytes` when the figure is on an Agg canvas at ``dpi``). The PNG is
    compressed at zlib level :data:`COMPRESS_LEVEL`.
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
        if not crop and fig.dpi == dpi and isinstance(fig.canvas, FigureCanvasAgg):
            fig.canvas.draw()  # once, at the figure's own resolution and size
            tmp.write_bytes(png_bytes(np.asarray(fig.canvas.buffer_rgba()), dpi=dpi))
        else:
            fig.savefig(tmp, format="png", dpi=dpi, metadata={"Software": None},
                        pil_kwargs={"compress_level": COMPRESS_LEVEL},
                        **({"bbox_inches": "tight", "pad_inches": PAD_INCHES} if crop else {}))
    return target
