"""Bar-chart geometry: round axes, bars in proportion, and "<5" never drawn as more precise than it is."""

import pytest

from services.portal.charts import SUPPRESSED_HEIGHT, grouped, horizontal, nice_scale


@pytest.mark.parametrize(
    ("largest", "expected"),
    [(0, (1, 1)), (1, (1, 1)), (3, (3, 1)), (7, (8, 2)), (10, (10, 5)), (1303, (1500, 500)), (4755, (6000, 2000))],
)
def test_the_axis_ends_on_a_round_number(largest, expected):
    assert nice_scale(largest) == expected


def test_horizontal_bars_are_in_proportion_and_labelled_with_their_count():
    chart = horizontal([("Ontruimd", 10), ("Afgemeld", 5), ("Betaald", 0)], width=640, label_width=240)
    full, half, none = chart.bars
    assert full.width == pytest.approx(2 * half.width)
    assert none.width == 0
    assert [bar.shown for bar in chart.bars] == ["10", "5", "0"]
    assert full.x == 240 and full.x + full.width <= 640
    assert [tick.label for tick in chart.ticks] == ["0", "5", "10"]
    assert chart.bars[1].y > chart.bars[0].y


def test_a_suppressed_count_is_drawn_outlined_up_to_four_and_labelled_below_five():
    chart = horizontal([("Ontruimd", 8), ("Noorderzon", "<5")])
    exact, suppressed = chart.bars
    assert suppressed.suppressed and not exact.suppressed
    assert suppressed.shown == "<5"
    assert suppressed.width == pytest.approx(exact.width * SUPPRESSED_HEIGHT / 8)


def test_a_long_label_is_shortened_in_the_chart_only():
    [bar] = horizontal([("Een uitkomst met een heel erg lange naam die niet past", 3)]).bars
    assert len(bar.label) == 34 and bar.label.endswith("…")


def test_a_lone_year_makes_a_narrow_chart_not_six_broad_slabs():
    one = grouped([("2026", [3, 1, 0, 0, 1, 0])], width=720)
    eight = grouped([(str(year), [3, 1, 0, 0, 1, 0]) for year in range(2019, 2027)], width=720)
    assert one.width < 300 and eight.width == 720
    assert max(bar.width for bar in one.bars) <= 32, "a group is at most 220 wide, whatever the chart's width"


def test_an_empty_chart_still_has_an_axis():
    chart = horizontal([("Ontruimd", 0)])
    assert chart.bars[0].width == 0 and chart.ticks[0].label == "0"


def test_grouped_bars_stand_on_the_axis_one_group_per_year():
    chart = grouped([("2025", [4167, 2614, 1303]), ("2026", [4551, 2883, 1429])], width=720, height=300)
    left, top, right, bottom = chart.plot
    assert [label.label for label in chart.category_labels] == ["2025", "2026"]
    assert len(chart.bars) == 6
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(bottom)
        assert left <= bar.x and bar.x + bar.width <= right
    assert [bar.series for bar in chart.bars] == [0, 1, 2, 0, 1, 2]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.shown == "4551" and tallest.y >= top
    assert chart.ticks[-1].label == "6.000"
