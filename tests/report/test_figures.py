"""Figures: Chinese labels render with real glyphs; PNG at print resolution, atomic."""
from __future__ import annotations

import os
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from reformlib.errors import ParameterError, SetupError  # noqa: E402
from reformlib.report.figures import (  # noqa: E402
    MissingGlyphError,
    check_glyphs,
    glyph_errors,
    save_figure,
)
from reformlib.report.fonts import use_cjk_font  # noqa: E402

DEJAVU_ONLY = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}


def _chinese_figure():
    """Completion rate by unit (synthetic demonstration values)."""
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(["湘潭县", "韶山市", "岳塘区"], [92.4, 90.1, 84.0], label="完成率")
    ax.set_title("各单位改革任务完成率（合成演示数据）")
    ax.set_ylabel("完成率（%）")
    ax.legend()
    return fig


@pytest.fixture
def cjk():
    with matplotlib.rc_context():
        try:
            use_cjk_font()
        except SetupError as exc:  # pragma: no cover - depends on the machine
            pytest.skip(f"no CJK font installed: {exc}")
        yield


def test_chinese_figure_has_every_glyph_with_the_cjk_font(cjk, tmp_path):
    fig = _chinese_figure()
    try:
        check_glyphs(fig)
        path = save_figure(fig, tmp_path / "完成率.png")
    finally:
        plt.close(fig)
    with Image.open(path) as img:
        assert img.format == "PNG"
        assert round(img.info["dpi"][0]) == 200
        assert img.width > 5 * 200 * 0.8  # 5 inches at 200 dpi, less the trimmed margin


def test_detector_catches_missing_glyphs_with_the_default_font():
    with matplotlib.rc_context(DEJAVU_ONLY):
        fig = _chinese_figure()
        try:
            with pytest.raises(MissingGlyphError) as info:
                check_glyphs(fig)
        finally:
            plt.close(fig)
    assert {"湘", "完", "率"} <= set(info.value.glyphs)
    assert "use_cjk_font" in str(info.value)


def test_save_refuses_boxes_and_keeps_the_good_file(cjk, tmp_path):
    good = _chinese_figure()
    path = save_figure(good, tmp_path / "fig.png", dpi=100)
    plt.close(good)
    before = path.read_bytes()
    with matplotlib.rc_context(DEJAVU_ONLY):
        bad = _chinese_figure()
        try:
            with pytest.raises(MissingGlyphError):
                save_figure(bad, path)
        finally:
            plt.close(bad)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["fig.png"]


def test_other_warnings_pass_through():
    with pytest.warns(RuntimeWarning, match="unrelated"):
        with glyph_errors():
            warnings.warn("unrelated", RuntimeWarning, stacklevel=1)


def test_bad_arguments_are_named(tmp_path):
    fig, _ = plt.subplots()
    try:
        with pytest.raises(ParameterError, match="png"):
            save_figure(fig, tmp_path / "fig.svg")
        with pytest.raises(ParameterError, match="dpi"):
            save_figure(fig, tmp_path / "fig.png", dpi=10)
    finally:
        plt.close(fig)
    with pytest.raises(TypeError, match="fig"):
        check_glyphs("not a figure")  # type: ignore[arg-type]


def test_a_saved_png_is_the_same_bytes_every_time_without_a_text_chunk(cjk, tmp_path):
    import io

    import numpy as np

    with matplotlib.rc_context({"figure.dpi": 200}):
        fig = _chinese_figure()
    try:
        first = save_figure(fig, tmp_path / "a.png", crop=False).read_bytes()
        assert save_figure(fig, tmp_path / "b.png", crop=False).read_bytes() == first
        pixels = np.asarray(fig.canvas.buffer_rgba()).copy()
    finally:
        plt.close(fig)
    with Image.open(io.BytesIO(first)) as img:
        img.load()
        assert img.format == "PNG" and img.mode == "RGBA" and img.size == (1000, 600)
        assert round(img.info["dpi"][0]) == 200 and not img.text  # no "Software" chunk
        assert (np.asarray(img) == pixels).all()


def test_use_cjk_font_registers_the_font_once():
    import seaborn as sns
    from matplotlib import font_manager

    from reformlib.report.fonts import cjk_font_available, cjk_font_file

    if not cjk_font_available():  # pragma: no cover - depends on the machine
        pytest.skip("no CJK font installed")
    with matplotlib.rc_context():
        family = use_cjk_font()
        fonts = list(font_manager.fontManager.ttflist)
        for _ in range(3):
            assert use_cjk_font() == family
        assert font_manager.fontManager.ttflist == fonts  # not appended again
        assert sum(f.fname == str(cjk_font_file()) for f in fonts) == 1
        sns.set_theme()  # resets the fonts: the next call puts the CJK family first again
        assert matplotlib.rcParams["font.sans-serif"][0] != family
        use_cjk_font()
        assert matplotlib.rcParams["font.sans-serif"][0] == family and not matplotlib.rcParams["axes.unicode_minus"]


def test_an_uncropped_figure_is_drawn_once_at_its_own_size(cjk, tmp_path):
    import numpy as np
    from matplotlib.artist import Artist

    class Counted(Artist):
        """An artist that counts how often the figure draws it."""

        draws = 0

        def draw(self, renderer):
            Counted.draws += 1

    with matplotlib.rc_context({"figure.dpi": 200}):
        fig = _chinese_figure()
    fig.add_artist(Counted())
    try:
        path = save_figure(fig, tmp_path / "fig.png", crop=False)
        assert Counted.draws == 1
        with Image.open(path) as img:
            assert img.size == (1000, 600) and round(img.info["dpi"][0]) == 200  # 5 × 3 in at 200 dpi
            assert (np.asarray(img) == np.asarray(fig.canvas.buffer_rgba())).all()
        Counted.draws = 0
        save_figure(fig, tmp_path / "cropped.png")  # a tight bounding box draws twice
        assert Counted.draws == 2
    finally:
        plt.close(fig)
