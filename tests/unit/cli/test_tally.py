"""Folding the intake's batch answers into the replay's summary, receipt and exit code."""

import csv
import io

from services.cli.rows import read_signals
from services.cli.tally import Outcome, Receipt, Tally, field_of, receipt_csv

CSV = """reference,type,adresseerbaarObjectIdentificatie,observed_on,months,amount_eur,eviction_date
r-1,arrears.reported,0363010001004477,2026-11-27,2,10.00,
r-2,arrears.reported,0363010001004478,2026-11-27,0,10.00,2026-12-01
r-3,arrears.reported,0363010001004479,2026-11-27,2,10.00,
r-4,arrears.reported,0363010001004480,27-11-2026,2,10.00,
"""


def answer(accepted=(), rejected=()):
    return {"accepted": list(accepted), "rejected": list(rejected)}


def test_answers_and_unreadable_rows_end_up_in_one_tally_in_file_order():
    rows = read_signals(CSV)
    sent = [row for row in rows if row.readable]
    tally = Tally()
    tally.add_unreadable(rows[3])
    tally.add_answer(
        sent,
        answer(
            accepted=[{"index": 0, "reference": "r-1", "id": "id-1", "replayed": False},
                      {"index": 2, "reference": "r-3", "id": "id-3", "replayed": True}],
            rejected=[{"index": 1, "reference": "r-2", "errors": [
                {"loc": ["body", "signals", 1, "arrears.reported", "months"], "msg": "Input should be greater than or equal to 1", "type": "greater_than_equal"},
                {"loc": ["body", "signals", 1, "arrears.reported", "eviction_date"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"},
            ]}],
        ),
    )
    assert (tally.rows(Outcome.ACCEPTED), tally.rows(Outcome.REPLAYED), tally.rows(Outcome.REJECTED), tally.rows(Outcome.UNREADABLE)) == (1, 1, 1, 1)
    assert [(r.row, r.field, r.message) for r in tally.problems()] == [
        (3, "months", "Input should be greater than or equal to 1"),
        (3, "eviction_date", "not used by arrears.reported: leave the cell empty"),
        (5, "observed_on", "not a date as YYYY-MM-DD"),
    ]
    assert tally.exit_code == 1

    lines = list(csv.DictReader(io.StringIO(receipt_csv(tally))))
    assert [(line["row"], line["outcome"], line["signal_id"], line["field"]) for line in lines] == [
        ("2", "accepted", "id-1", ""),
        ("3", "rejected", "", "months"),
        ("3", "rejected", "", "eviction_date"),
        ("4", "already sent", "id-3", ""),
        ("5", "unreadable", "", "observed_on"),
    ]


def test_exit_codes_all_accepted_some_rejected_or_stopped():
    rows = read_signals(CSV)[:1]
    accepted = Tally()
    accepted.add_answer(rows, answer(accepted=[{"index": 0, "reference": "r-1", "id": "x", "replayed": True}]))
    assert accepted.exit_code == 0
    stopped = Tally()
    stopped.add_not_sent(rows, "cannot reach http://127.0.0.1:1")
    assert stopped.exit_code == 2 and stopped.rows(Outcome.NOT_SENT) == 1
    assert stopped.receipts == [Receipt(2, "r-1", Outcome.NOT_SENT)]


def test_the_intakes_error_locations_name_the_csv_column():
    assert field_of(["body", "signals", 3, "arrears.reported", "months"]) == "months"
    assert field_of(["body", "signals", 3, "arrears.reported", "address", "adresseerbaarObjectIdentificatie"]) == "adresseerbaarObjectIdentificatie"
    assert field_of(["body", "signals", 3, "eviction.family-found", "children_ages", 1]) == "children_ages (item 2)"
    assert field_of(["body", "signals", 3, "type"]) == "type"
    assert field_of(["body", "signals", 3, "reference"]) == "reference"
    assert field_of(["body", "signals", 3]) == "row"
