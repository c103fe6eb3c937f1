"""Reading a CSV of signals: cells become JSON values; a cell the reader cannot read
makes the row unreadable (never sent) and names the column, not the content."""

import pytest

from services.cli.rows import COLUMNS, Problem, UnreadableFile, read_signals

HEADER = "reference,type,adresseerbaarObjectIdentificatie,postcode,huisnummer,observed_on,months,amount_eur,last_chance,children_ages,adults,grounds"


def read(*lines: str, header: str = HEADER):
    return read_signals("\n".join([header, *lines]) + "\n")


def test_a_full_row_becomes_the_request_body_with_the_address_nested():
    [row] = read("r-1,arrears.reported,0363010001004477,1069 jd,12,2026-11-27,2,1450.00,,,,")
    assert row.readable and row.number == 2 and row.reference == "r-1" and row.signal_type == "arrears.reported"
    assert row.body == {
        "type": "arrears.reported",
        "address": {"adresseerbaarObjectIdentificatie": "0363010001004477", "postcode": "1069JD", "huisnummer": 12},
        "observed_on": "2026-11-27",
        "months": 2,
        "amount_eur": "1450.00",
    }
    assert row.batch_item() == {**row.body, "reference": "r-1"}


def test_empty_cells_are_absent_fields_and_lists_and_booleans_are_read():
    [verdict, found] = read(
        ",eviction.verdict-issued,0363010001004477,,,2026-11-01,,,ja,,,rent_arrears",
        "f-1,eviction.family-found,0363010001004477,,,2026-11-28,,,,3;7 | 12,2,",
    )
    assert verdict.reference is None and verdict.batch_item() == verdict.body
    assert verdict.body == {
        "type": "eviction.verdict-issued",
        "address": {"adresseerbaarObjectIdentificatie": "0363010001004477"},
        "observed_on": "2026-11-01",
        "last_chance": True,
        "grounds": "rent_arrears",
    }
    assert found.body["children_ages"] == [3, 7, 12] and found.body["adults"] == 2


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("r,arrears.reported,0363010001004477,,,27-11-2026,2,1450.00,,,,", "observed_on", "not a date as YYYY-MM-DD"),
        ("r,arrears.reported,0363010001004477,,,2026-02-30,2,1450.00,,,,", "observed_on", "not an existing date (YYYY-MM-DD)"),
        ("r,arrears.reported,0363010001004477,,,2026-11-27,two,1450.00,,,,", "months", "not a whole number"),
        ("r,arrears.reported,0363010001004477,,,2026-11-27,2.5,1450.00,,,,", "months", "not a whole number"),
        ('r,arrears.reported,0363010001004477,,,2026-11-27,2,"1450,00",,,,', "amount_eur", "not an amount: use a point"),
        ("r,arrears.reported,0363010001004477,,,2026-11-27,2,NaN,,,,", "amount_eur", "not an amount in euros"),
        ("r,arrears.reported,0363010001004477,,12a,2026-11-27,2,1450.00,,,,", "huisnummer", "not a whole number"),
        ("r,eviction.verdict-issued,0363010001004477,,,2026-11-27,,,maybe,,,other", "last_chance", "not yes or no"),
        ("r,eviction.family-found,0363010001004477,,,2026-11-27,,,,3;seven,1,", "children_ages", "not a list of whole numbers"),
    ],
)
def test_a_cell_the_reader_cannot_read_makes_the_row_unreadable_naming_the_column(cells, column, message):
    [row] = read(cells)
    assert not row.readable and row.body is None and row.reference == "r"
    [problem] = row.problems
    assert problem.field == column and problem.message.startswith(message)
    assert "27-11-2026" not in problem.message and "two" not in problem.message, "the content is never repeated"


def test_every_problem_of_a_row_is_named_and_extra_cells_are_a_problem_of_the_row():
    [row] = read("r,arrears.reported,0363010001004477,,x,2026-13-01,y,1450.00,,,,,surplus")
    assert row.problems == (
        Problem("row", "13 cells but 12 columns"),
        Problem("huisnummer", "not a whole number"),
        Problem("observed_on", "not an existing date (YYYY-MM-DD)"),
        Problem("months", "not a whole number"),
    )


def test_row_numbers_are_the_spreadsheets_and_blank_lines_are_skipped():
    rows = read(
        "a,arrears.reported,0363010001004477,,,2026-11-27,2,1.00,,,,",
        "",
        ",,,,,,,,,,,",
        "b,arrears.reported,0363010001004477,,,2026-11-27,2,1.00,,,,",
    )
    assert [(row.number, row.reference) for row in rows] == [(2, "a"), (5, "b")]


def test_semicolon_files_case_insensitive_headers_and_trailing_empty_columns_are_read():
    content = "Type;adresseerbaarobjectidentificatie;Observed_On;MONTHS;amount_eur;children_ages;;\n" \
              "arrears.reported;0363010001004477;2026-11-27;3;99.95;;;\n"
    [row] = read_signals(content)
    assert row.body == {
        "type": "arrears.reported",
        "address": {"adresseerbaarObjectIdentificatie": "0363010001004477"},
        "observed_on": "2026-11-27",
        "months": 3,
        "amount_eur": "99.95",
    }
    [stray] = read_signals("type;adresseerbaarObjectIdentificatie;observed_on;\narrears.reported;0363010001004477;2026-11-27;x\n")
    assert stray.problems == (Problem("row", "a value in a column without a name"),)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no header row"),
        ("type,adresseerbaarObjectIdentificatie,observed_on,bsn\n", "unknown column(s): bsn"),
        ("type,adresseerbaarObjectIdentificatie,observed_on,months,Months\n", "more than once: months"),
        ("type,observed_on\n", "required column(s) missing: adresseerbaarObjectIdentificatie"),
    ],
)
def test_a_header_the_reader_does_not_know_refuses_the_whole_file(content, message):
    with pytest.raises(UnreadableFile, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_signals(content)


def test_the_reader_knows_every_field_the_intake_takes():
    from services.arrears.schemas import SIGNAL_MODELS, Address

    fields = {name for model in SIGNAL_MODELS for name in model.model_fields} - {"address"}
    assert fields | set(Address.model_fields) | {"reference"} == set(COLUMNS)
