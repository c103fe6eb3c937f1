"""The commands' own decisions, before or without a service: what stops a run, and with
which exit code. (Runs against the real services are in tests/e2e/test_cli.py.)"""

from typer.testing import CliRunner

from services.cli.main import app
from tests.support.processes import free_port

runner = CliRunner()
GOOD = "reference,type,adresseerbaarObjectIdentificatie,observed_on,months,amount_eur\n" \
       "r-1,arrears.reported,0363010001004477,2026-11-27,2,10.00\n" \
       "r-2,arrears.reported,0363010001004478,2026-11-31,2,10.00\n"


def nowhere() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


def test_an_unknown_column_refuses_the_file_before_anything_is_sent(tmp_path):
    path = tmp_path / "signals.csv"
    path.write_text("type,adresseerbaarObjectIdentificatie,observed_on,naam\n")
    result = runner.invoke(app, ["replay", str(path), "--intake", nowhere(), "--organisation", "ymere", "--secret", "dev-ymere"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())  # Rich wraps lines at the terminal's width
    assert "unknown column(s): naam" in message and "nothing was sent" in message


def test_an_unreachable_intake_ends_with_exit_code_2_and_the_rows_not_sent(tmp_path):
    path = tmp_path / "signals.csv"
    path.write_text(GOOD)
    receipt = tmp_path / "receipt.csv"
    result = runner.invoke(
        app, ["replay", str(path), "--intake", nowhere(), "--organisation", "ymere", "--secret", "dev-ymere", "--receipt", str(receipt)]
    )
    assert result.exit_code == 2
    assert "cannot reach http://127.0.0.1:" in result.stdout
    assert "not sent (the run stopped)" in result.stdout
    assert receipt.read_text().splitlines()[1:] == [
        "2,r-1,not sent,,,",
        "3,r-2,unreadable,,observed_on,not an existing date (YYYY-MM-DD)",
    ]


def test_credentials_are_required_unless_the_export_is_public(tmp_path):
    path = tmp_path / "signals.csv"
    path.write_text(GOOD)
    replay = runner.invoke(app, ["replay", str(path), "--intake", nowhere()], env={"SIGNAL_CLIENT_SECRET": ""})
    export = runner.invoke(app, ["monitor", "export", "--monitor", nowhere(), "--municipality", "0363", "--year", "2026"])
    public = runner.invoke(app, ["monitor", "export", "--monitor", nowhere(), "--municipality", "0363", "--year", "2026", "--public"])
    bad_code = runner.invoke(app, ["monitor", "export", "--municipality", "363", "--year", "2026", "--public"])
    assert replay.exit_code == 2 and "--organisation and --secret" in replay.stderr
    assert export.exit_code == 2 and "--public" in export.stderr
    assert public.exit_code == 2 and "cannot reach" in public.stderr
    assert bad_code.exit_code == 2 and "four digits" in bad_code.stderr


def test_a_prefix_that_is_no_topic_name_is_refused(tmp_path):
    result = runner.invoke(app, ["topics", "create", "--prefix", "a b/"])
    assert result.exit_code == 2


def test_the_dead_letter_workbench_wants_who_and_for_replay_and_discard_why_before_it_touches_kafka():
    nobroker = ["--bootstrap", f"127.0.0.1:{free_port()}", "--prefix", "none."]
    anonymous = runner.invoke(app, ["dlq", "list", *nobroker], env={"SIGNAL_OPERATOR": ""})
    no_reason = runner.invoke(app, ["dlq", "replay", "signals", "--all", "--operator", "ops.devries", *nobroker])
    personal = runner.invoke(app, ["dlq", "discard", "signals", "--all", "--operator", "ops.devries", "--reason", "BSN 999993653", *nobroker])
    unnamed = runner.invoke(app, ["dlq", "discard", "signals", "--operator", "ops.devries", "--reason", "test data", *nobroker])
    bad_offset = runner.invoke(app, ["dlq", "discard", "signals", "--offset", "3", "--operator", "ops.devries", "--reason", "x y", *nobroker])
    unreachable = runner.invoke(app, ["dlq", "list", "--operator", "ops.devries", *nobroker])
    assert anonymous.exit_code == 2 and "--operator" in anonymous.stderr
    assert no_reason.exit_code == 2 and "--reason is required" in no_reason.stderr
    assert personal.exit_code == 2 and "never personal data" in " ".join(personal.stderr.split())
    assert unnamed.exit_code == 2 and "--offset PARTITION/OFFSET" in " ".join(unnamed.stderr.split())
    assert bad_offset.exit_code == 2 and "expected PARTITION/OFFSET" in " ".join(bad_offset.stderr.split())
    assert unreachable.exit_code == 2 and "Kafka at 127.0.0.1:" in unreachable.stderr
