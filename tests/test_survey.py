"""Tests of coder.analysis.survey: reading survey files, shape detection, checks, statistics."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from scipy.stats import mannwhitneyu

from coder.analysis.survey import (
    Survey,
    compare_groups,
    item_figures,
    item_statistics,
    read_survey,
    significance_mark,
)
from coder.errors import CoderError

DATA = Path(__file__).parent / "data" / "survey"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error_of(path: Path, **options: object) -> str:
    with pytest.raises(CoderError) as caught:
        read_survey(path, "s", **options)  # type: ignore[arg-type]
    return str(caught.value)


# --- delimiters, decimals, encodings -------------------------------------------------


def test_semicolon_with_decimal_comma_is_an_aggregate_table() -> None:
    survey = read_survey(DATA / "bakens.csv", "bakens")
    assert survey.kind == "aggregate"
    assert survey.key_column == "Item"
    assert survey.items() == ["3_1", "3_2", "3_3"]
    assert survey.figure_columns() == ["2015", "2016", "2017"]
    assert item_figures(survey, "3_1") == {"2015": 4.6, "2016": 4.6, "2017": 4.7}
    assert item_figures(survey, "3_2") == {"2015": 3.9, "2016": 4.1}  # empty cell left out
    assert survey.item_label("3_3") == "Netwerkgericht werken"
    assert survey.source == "bakens.csv"


def test_comma_with_decimal_point(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", 'key,label,2016,2017\nq1,"Helps, mostly",4.5,4.75\nq2,Other,1,2\n')
    survey = read_survey(path, "e")
    assert item_figures(survey, "q1") == {"2016": 4.5, "2017": 4.75}
    assert survey.item_label("q1") == "Helps, mostly"


def test_tab_delimited_with_commas_in_text(tmp_path: Path) -> None:
    path = write(tmp_path / "t.tsv", "variable\tlabel\t2016\nq1\tZeer, heel erg\t3,5\nq2\tx\t4\n")
    survey = read_survey(path, "t")
    assert item_figures(survey, "q1") == {"2016": 3.5}
    assert survey.item_label("q1") == "Zeer, heel erg"


def test_dutch_thousands_and_english_thousands(tmp_path: Path) -> None:
    dutch = write(tmp_path / "nl.csv", "item;n;score\na;1.234;4,5\nb;12;3\n")
    assert item_figures(read_survey(dutch, "nl"), "a") == {"n": 1.234, "score": 4.5}
    dutch_n = write(tmp_path / "nl2.csv", "item;n\na;1.234,5\nb;2,5\n")
    assert item_figures(read_survey(dutch_n, "nl"), "a") == {"n": 1234.5}
    english = write(tmp_path / "en.csv", 'item,n\na,"1,234.5"\nb,2\n')
    assert item_figures(read_survey(english, "en"), "a") == {"n": 1234.5}


def test_cp1252_file_with_accent(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", "item;label;2017\nq1;Tevreden over het café;4,1\n", "cp1252")
    assert read_survey(path, "w").item_label("q1") == "Tevreden over het café"


def test_utf8_accent_is_not_read_as_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path / "u.csv", "item;label;2017\nq1;Tevreden over het café;4,1\n")
    assert read_survey(path, "u").item_label("q1") == "Tevreden over het café"


def test_utf8_bom_does_not_hide_the_key_column(tmp_path: Path) -> None:
    path = write(tmp_path / "b.csv", "\ufeffitem;2017\nq1;4,1\nq2;3\n")
    survey = read_survey(path, "b")
    assert survey.kind == "aggregate"
    assert survey.key_column == "item"


def test_utf16_export_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "x.txt", "\ufeffitem\t2017\nq1\t4,1\n", "utf-16-le")
    assert item_figures(read_survey(path, "x"), "q1") == {"2017": 4.1}


def test_missing_markers_and_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "item;2016;2017\n\nq1;n.v.t.;4,1\nq2;-;\n\n")
    survey = read_survey(path, "m")
    assert survey.items() == ["q1", "q2"]
    assert item_figures(survey, "q1") == {"2017": 4.1}
    assert item_figures(survey, "q2") == {}


# --- xlsx and sav ----------------------------------------------------------------------


def make_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "bakens"
    first.append(["item", "label", 2015, 2016])
    first.append(["3_1", "Generalistisch werken", 4.6, "4,7"])
    first.append([])
    first.append(["3_2", "Eigen kracht", 3.9, 4])
    first.append(["3_3", "Netwerkgericht werken", 3.2, 3.5])
    second = book.create_sheet("panel")
    second.append(["jaar", "q1"])
    for year, answer in [(2016, 1), (2016, 2), (2017, 4), (2017, 5)]:
        second.append([year, answer])
    book.save(path)
    return path


def test_xlsx_first_sheet_and_named_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "b.xlsx")
    survey = read_survey(path, "b")
    assert survey.kind == "aggregate"
    assert survey.figure_columns() == ["2015", "2016"]
    assert item_figures(survey, "3_1") == {"2015": 4.6, "2016": 4.7}
    assert item_figures(survey, "3_2") == {"2015": 3.9, "2016": 4.0}
    panel = read_survey(path, "p", sheet="panel")
    assert panel.kind == "respondents"
    assert item_figures(panel, "q1") == {"2016": 1.5, "2017": 4.5}


def test_xlsx_errors_name_the_row_and_the_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "b.xlsx")
    assert "b.xlsx: no sheet 'nope'" in error_of(path, sheet="nope")
    assert "b.xlsx: no sheet 2" in error_of(path, sheet=2)
    assert read_survey(path, "p", sheet=1).kind == "respondents"
    book = openpyxl.load_workbook(path)
    book["bakens"]["C4"] = "abc"  # row 4 in the sheet (row 3 is blank)
    book.save(path)
    message = error_of(path)
    assert "b.xlsx, row 4 (item '3_2'), column '2015': 'abc' is not a number" in message


def make_sav(path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "id": [1.0, 2, 3, 4, 5, 6, 7, 8],
            "jaar": [2016.0, 2016, 2016, 2016, 2017, 2017, 2017, 2017],
            "gemeente": [1.0, 2, 1, 2, 1, 2, 1, 2],
            "q1": [1.0, 2, 2, 4, 4, 5, 5, np.nan],
        }
    )
    scale = {1.0: "helemaal oneens", 2.0: "oneens", 3.0: "neutraal", 4.0: "eens", 5.0: "helemaal eens"}
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"q1": "Ik weet bij wie ik terecht kan", "jaar": "Jaar"},
        variable_value_labels={"q1": scale, "gemeente": {1.0: "Zwolle", 2.0: "Deventer"}},
    )
    return path


def test_sav_keeps_variable_and_value_labels(tmp_path: Path) -> None:
    survey = read_survey(make_sav(tmp_path / "p.sav"), "p")
    assert survey.kind == "respondents"
    assert survey.key_column == "id"
    assert survey.group_columns == ("jaar", "gemeente")
    assert survey.items() == ["q1"]
    assert survey.item_label("q1") == "Ik weet bij wie ik terecht kan"
    assert survey.value_labels["q1"][4.0] == "eens"
    stats = item_statistics(survey, "q1", "gemeente")
    assert [g.group for g in stats.groups] == ["Zwolle", "Deventer"]
    first = stats.groups[0]
    assert [(c.value, c.label, c.n) for c in first.categories] == [
        (1.0, "helemaal oneens", 1),
        (2.0, "oneens", 1),
        (3.0, "neutraal", 0),
        (4.0, "eens", 1),
        (5.0, "helemaal eens", 1),
    ]
    assert first.percent_agree == 50.0


def test_a_file_named_sav_that_is_not_spss(tmp_path: Path) -> None:
    path = write(tmp_path / "fake.sav", "item;2017\nq1;4\n")
    assert "fake.sav is not an SPSS .sav file" in error_of(path)


def test_a_file_named_xlsx_that_is_not_excel(tmp_path: Path) -> None:
    path = write(tmp_path / "fake.xlsx", "item;2017\nq1;4\n")
    assert "fake.xlsx is not an Excel .xlsx file" in error_of(path)


# --- shapes and sidecar labels ---------------------------------------------------------


def test_respondent_level_csv_with_sidecar_labels() -> None:
    survey = read_survey(DATA / "panel.csv", "panel")
    assert survey.kind == "respondents"
    assert survey.key_column == "id"
    assert survey.group_columns == ("jaar", "gemeente")
    assert survey.items() == ["q1", "q2"]
    assert survey.item_label("q2") == "Het sociaal team werkt samen"
    assert survey.value_labels["q2"][1.0] == "helemaal oneens"
    assert survey.data["q2"].isna().sum() == 2  # "n.v.t." and an empty cell


def test_sidecar_per_item_values_and_unknown_items(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "jaar;q1\n2016;1\n2017;2\n")
    write(tmp_path / "r-labels.yaml", "values:\n  q1: {1: nee, 2: ja}\n")
    assert read_survey(path, "r").value_labels == {"q1": {1.0: "nee", 2.0: "ja"}}
    write(tmp_path / "r-labels.yaml", "items:\n  q9: Vraag negen\n")
    assert "r-labels.yaml: 'q9' is not an item of r.csv" in error_of(path)


def test_kind_and_group_overrides(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "id;2016;2017\n1;4,0;4,5\n2;3,0;3,5\n")
    assert read_survey(path, "a").kind == "respondents"  # whole-number ids are respondents
    forced = read_survey(path, "a", kind="aggregate")
    assert forced.items() == ["1", "2"]
    assert item_figures(forced, "2") == {"2016": 3.0, "2017": 3.5}
    grouped = read_survey(DATA / "panel.csv", "p", groups=["q2"])
    assert grouped.group_columns[0] == "q2"
    assert grouped.items() == ["q1"]


# --- bad input -----------------------------------------------------------------------


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    assert "e.csv is empty" in error_of(write(tmp_path / "e.csv", ""))
    assert "w.csv is empty" in error_of(write(tmp_path / "w.csv", " \n\n"))
    assert "h.csv has a header row but no data rows" in error_of(write(tmp_path / "h.csv", "item;2017\n"))


def test_unknown_and_ambiguous_delimiters(tmp_path: Path) -> None:
    pipes = write(tmp_path / "p.csv", "item|2017\nq1|4\n")
    assert "p.csv: cannot tell which delimiter" in error_of(pipes)
    both = write(tmp_path / "b.csv", "item;a,b\nq1;x,y\n")
    assert "b.csv: the delimiter is ambiguous (';' and ',' both fit)" in error_of(both)


def test_decimal_commas_settle_a_tie_between_delimiters(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "item;Score, gemiddeld\nq1;4,6\nq2;4,1\n")
    assert item_figures(read_survey(path, "d"), "q1") == {"Score, gemiddeld": 4.6}


def test_a_row_with_too_many_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "item;2016;2017\nq1;4;5\nq2;4;5;6\nq3;1;2\nq4;1;2\n")
    assert "r.csv, row 3: 4 fields where the header has 3" in error_of(path)


def test_duplicate_item_keys_name_the_key_and_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "item;2017\nq1;4\nq2;3\nq1;5\n")
    assert "d.csv: item key 'q1' appears more than once (rows 2, 4)" in error_of(path)


def test_duplicate_and_unnamed_columns(tmp_path: Path) -> None:
    assert "column '2017' appears more than once" in error_of(
        write(tmp_path / "c.csv", "item;2017;2017\nq1;4;5\n")
    )
    assert "column 2 has values but no name" in error_of(write(tmp_path / "n.csv", "item;;2017\nq1;4;5\n"))
    trailing = read_survey(write(tmp_path / "t.csv", "item;2017;\nq1;4;\n"), "t")
    assert list(trailing.data.columns) == ["item", "2017"]


def test_non_numeric_figure_names_item_row_and_value(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "item;2016;2017\nq1;4,1;4,2\nq2;3,9;abc\nq3;3;3\n")
    message = error_of(path)
    assert "f.csv, row 3 (item 'q2'), column '2017': 'abc' is not a number" in message


def test_non_numeric_answer_names_row_and_column(tmp_path: Path) -> None:
    rows = "\n".join(f"{year},{answer}" for year, answer in [(2016, 1), (2016, 2), (2017, "x"), (2017, 4)])
    message = error_of(write(tmp_path / "r.csv", f"jaar,q1\n{rows}\n"))
    assert "r.csv, row 4, column 'q1': 'x' is not a number" in message


def test_a_mostly_text_column_is_text(tmp_path: Path) -> None:
    survey = read_survey(
        write(tmp_path / "t.csv", "jaar;toelichting;q1\n2016;ja;1\n2017;12;2\n2017;nee;3\n"), "t"
    )
    assert survey.group_columns == ("jaar", "toelichting")
    assert survey.data["toelichting"].tolist() == ["ja", "12", "nee"]


def test_unsupported_extension_and_missing_file(tmp_path: Path) -> None:
    assert "x.ods: unsupported survey file type '.ods'" in error_of(write(tmp_path / "x.ods", "a"))
    assert "no such file" in error_of(tmp_path / "absent.csv")


def test_errors_carry_a_hint(tmp_path: Path) -> None:
    with pytest.raises(CoderError) as caught:
        read_survey(write(tmp_path / "d.csv", "item;2017\nq1;4\nq1;5\n"), "d")
    assert caught.value.hint


# --- statistics ------------------------------------------------------------------------


def test_mann_whitney_matches_scipy_on_a_small_example() -> None:
    first, second = [1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]
    result = compare_groups("2016", first, "2017", second)
    reference = mannwhitneyu(first, second, alternative="two-sided")
    assert result.u == reference.statistic == 0.0
    assert result.p == pytest.approx(reference.pvalue)
    assert result.p == pytest.approx(4 / 70)  # exact: 2 of the C(7,3)=35 orderings, two-sided
    assert result.r == 1.0  # every answer of 2017 is higher
    assert result.mark == ""
    assert (result.n_first, result.n_second) == (3, 4)


def test_rank_biserial_with_ties() -> None:
    first, second = [1, 2, 2, 3, 4], [3, 4, 4, 5, 5]
    result = compare_groups("a", first, "b", second)
    reference = mannwhitneyu(first, second, alternative="two-sided")
    assert result.u == reference.statistic
    assert result.p == pytest.approx(reference.pvalue)
    wins = sum((y > x) + 0.5 * (y == x) for x in first for y in second)
    losses = sum((y < x) + 0.5 * (y == x) for x in first for y in second)
    assert result.r == pytest.approx((wins - losses) / 25)


@pytest.mark.parametrize(
    ("p", "mark"),
    [(0.0004, "***"), (0.001, "**"), (0.009, "**"), (0.01, "*"), (0.049, "*"), (0.05, ""), (0.8, "")],
)
def test_significance_marks(p: float, mark: str) -> None:
    assert significance_mark(p) == mark


def test_large_difference_gets_three_stars() -> None:
    result = compare_groups("a", [1, 2] * 20, "b", [4, 5] * 20)
    assert result.mark == "***"
    assert result.r == 1.0


def test_item_statistics_per_year() -> None:
    survey = read_survey(DATA / "panel.csv", "panel")
    stats = item_statistics(survey, "q1", "jaar")
    assert stats.label == "Ik weet bij wie ik terecht kan"
    first, last = stats.groups
    assert (first.group, first.n, first.mean, first.median) == ("2016", 5, 2.4, 2.0)
    assert first.sd == pytest.approx(np.std([1, 2, 2, 3, 4], ddof=1))
    assert [c.percent for c in first.categories] == [20.0, 40.0, 20.0, 20.0, 0.0]
    assert first.categories[1].label == "oneens"
    assert stats.agree_threshold == 4.0
    assert first.percent_agree == 20.0
    assert last.percent_agree == 80.0
    reference = mannwhitneyu([1, 2, 2, 3, 4], [3, 4, 4, 5, 5], alternative="two-sided")
    assert stats.first_last is not None
    assert stats.first_last.p == pytest.approx(reference.pvalue)
    assert stats.comparisons == (stats.first_last,)
    assert stats.direction == ("up" if reference.pvalue < 0.05 else "flat")
    assert stats.figures() == {"2016": 2.4, "2017": 4.2}
    assert item_figures(survey, "q1") == {"2016": 2.4, "2017": 4.2}  # first group column


def test_consecutive_comparisons_and_direction(tmp_path: Path) -> None:
    answers = {2015: [5, 5, 4, 5] * 5, 2016: [4, 4, 3, 4] * 5, 2017: [1, 2, 1, 2] * 5}
    lines = [f"{year};{a}" for year, values in answers.items() for a in values]
    survey = read_survey(write(tmp_path / "d.csv", "jaar;q1\n" + "\n".join(lines) + "\n"), "d")
    stats = item_statistics(survey, "q1", "jaar")
    assert [(c.first, c.second) for c in stats.comparisons] == [("2015", "2016"), ("2016", "2017")]
    assert stats.first_last is not None
    assert (stats.first_last.first, stats.first_last.second) == ("2015", "2017")
    assert stats.first_last.r == -1.0
    assert stats.direction == "down"
    flat = item_statistics(survey, "q1", "jaar", alpha=1e-30)
    assert flat.direction == "flat"


def test_overall_statistics_and_custom_threshold() -> None:
    survey = read_survey(DATA / "panel.csv", "panel")
    stats = item_statistics(survey, "q2", agree_threshold=5)
    (overall,) = stats.groups
    assert overall.group == "all"
    assert overall.n == 8
    assert overall.percent_agree == 25.0
    assert stats.comparisons == ()
    assert stats.direction is None
    json.dumps(stats.to_records())


def test_percent_agree_is_none_without_a_five_point_scale(tmp_path: Path) -> None:
    survey = read_survey(write(tmp_path / "s.csv", "jaar;q1\n2016;7\n2017;10\n"), "s")
    stats = item_statistics(survey, "q1", "jaar")
    assert stats.agree_threshold is None
    assert all(g.percent_agree is None for g in stats.groups)


def test_statistics_refuse_wrong_items_and_shapes() -> None:
    panel = read_survey(DATA / "panel.csv", "panel")
    with pytest.raises(CoderError, match="has no item 'q9'"):
        item_statistics(panel, "q9")
    with pytest.raises(CoderError, match="has no column 'wijk'"):
        item_statistics(panel, "q1", "wijk")
    bakens = read_survey(DATA / "bakens.csv", "bakens")
    with pytest.raises(CoderError, match="is an aggregate table"):
        item_statistics(bakens, "3_1")
    with pytest.raises(CoderError, match="has no item '9_9'"):
        item_figures(bakens, "9_9")
    with pytest.raises(CoderError, match="has no item '9_9'"):
        bakens.item_label("9_9")


# --- records -------------------------------------------------------------------------


@pytest.mark.parametrize("make", ["bakens", "panel", "sav"])
def test_records_round_trip_through_json(make: str, tmp_path: Path) -> None:
    if make == "sav":
        survey = read_survey(make_sav(tmp_path / "p.sav"), "p")
    else:
        survey = read_survey(DATA / f"{make}.csv", make)
    records = json.loads(json.dumps(survey.to_records(), allow_nan=False))
    back = Survey.from_records(records)
    pd.testing.assert_frame_equal(back.data, survey.data)
    for field in ("name", "kind", "source", "key_column", "group_columns", "item_labels", "value_labels"):
        assert getattr(back, field) == getattr(survey, field)
    assert back.items() == survey.items()
    assert back.to_records() == records


def test_records_of_an_unknown_version_are_refused() -> None:
    records = read_survey(DATA / "bakens.csv", "bakens").to_records()
    with pytest.raises(CoderError, match="unknown record version"):
        Survey.from_records({**records, "version": 99})
    with pytest.raises(CoderError, match="is malformed"):
        Survey.from_records({"version": 1, "name": "x"})


def test_missing_cells_survive_the_round_trip() -> None:
    survey = read_survey(DATA / "bakens.csv", "bakens")
    records = survey.to_records()
    column = next(c for c in records["columns"] if c["name"] == "2017")
    assert column["values"][1] is None
    assert math.isnan(Survey.from_records(records).data["2017"][1])
