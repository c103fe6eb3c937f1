"""The CLI's client: a secret only over https or to this machine unless the environment
says development or test (unset: production); a 503 is waited out per Retry-After."""

import httpx
from typer.testing import CliRunner

from services.cli.chain_client import ChainClient, plain_text_refusal
from services.cli.main import app

runner = CliRunner()


def test_the_secret_goes_over_https_or_to_loopback_only_in_production():
    assert plain_text_refusal("https://intake.example.nl", "production") is None
    assert plain_text_refusal("http://127.0.0.1:8001", "production") is None
    assert plain_text_refusal("http://[::1]:8001", "production") is None
    assert plain_text_refusal("http://localhost:8001", "production") is None
    assert "plain http to intake.example.nl" in plain_text_refusal("http://intake.example.nl", "production")
    assert plain_text_refusal("http://intake.example.nl", "test") is None
    assert plain_text_refusal("http://intake.example.nl", "development") is None


def test_a_replay_to_a_plain_http_host_stops_before_sending_when_no_environment_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("SIGNAL_ENVIRONMENT", raising=False)
    path = tmp_path / "signals.csv"
    path.write_text("reference,type,adresseerbaarObjectIdentificatie,observed_on,months,amount_eur\n"
                    "r-1,arrears.reported,0363010001004477,2026-11-27,2,10.00\n")  # fmt: skip
    result = runner.invoke(
        app, ["replay", str(path), "--intake", "http://intake.invalid", "--organisation", "ymere", "--secret", "s3cret"]
    )
    assert result.exit_code == 2
    assert "refusing to send the client secret over plain http" in " ".join(result.stdout.split())


def test_a_503_with_retry_after_is_waited_out_then_the_answer_is_used():
    answers = iter([503, 503, 200])
    seen = []

    def intake(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        status = next(answers)
        return httpx.Response(status, headers={"Retry-After": "0"}, json={"ok": status == 200})

    with ChainClient("http://127.0.0.1:1", "ymere", "s", transport=httpx.MockTransport(intake)) as client:
        answer = client.get("/v1/public/figures", {}, anonymous=True)
    assert answer.json() == {"ok": True} and seen == ["/v1/public/figures"] * 3
