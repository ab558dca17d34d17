"""A family figure's bar labels wrap: the English peer-group row ("Median of the counties,
cities and districts (5 units)") on three panels used to leave no room for the panels, and
every English unit brief failed at its figure."""
from __future__ import annotations

import pandas as pd

from reformlib.report.plots import LABEL_WIDTH, family_figure


def test_long_english_labels_wrap_and_leave_the_panels_room():
    names = ["Yuhu District", "Median of the counties, cities and districts (5 units)", "Xiangtan city"]
    frame = pd.DataFrame([{"unit": u, "unit_name": n, "indicator_name": f"indicator number {k} with a long name (%)",
                           "value": 50.0 + k, "band_low": None, "band_high": None, "target": 60.0}
                          for k in range(3) for u, n in zip(["430302", "peers", "430300"], names)])
    fig = family_figure(frame, lang="en", family="debt", month="2017-12")
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "Median of the counties,\ncities and districts (5\nunits)" in labels
    assert all(len(line) <= LABEL_WIDTH["en"] for label in labels for line in label.split("\n"))
    assert all(ax.get_position().width > 0.1 for ax in fig.axes)
