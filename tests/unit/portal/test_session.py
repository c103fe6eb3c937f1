"""The session cookie is the services' bearer token; the portal reads its claims to pick
the page and sends it to the services, which verify it."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.organisations import Role
from shared.settings import DEV_ORGANISATIONS_FILE, DEV_TOKEN_SIGNING_KEY
from shared.organisations import Organisations
from shared.tokens import TokenIssuer
from services.portal.session import home_of, login_choices, read_session
from services.portal.settings import PortalSettings

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ORGANISATIONS = Organisations.load(DEV_ORGANISATIONS_FILE)
ISSUER = TokenIssuer(DEV_TOKEN_SIGNING_KEY, "urn:test")


def token(organisation_id: str, at: datetime = NOW) -> str:
    return ISSUER.issue(ORGANISATIONS.get(organisation_id), at)


def test_a_token_names_the_organisation_and_its_role():
    session = read_session(token("hvo-querido"), ORGANISATIONS, NOW)
    assert session.organisation.id == "hvo-querido" and session.role is Role.SHELTER
    assert session.expires_at == NOW + timedelta(minutes=15)


@pytest.mark.parametrize("cookie", [None, "", "not-a-jwt", "a.b.c"])
def test_no_or_a_malformed_cookie_is_no_session(cookie):
    assert read_session(cookie, ORGANISATIONS, NOW) is None


def test_an_expired_token_is_no_session():
    assert read_session(token("ymere", NOW - timedelta(minutes=15)), ORGANISATIONS, NOW) is None


def test_a_token_whose_role_differs_from_the_organisations_file_is_no_session():
    forged = TokenIssuer("another-key-of-at-least-32-bytes-long", "x").issue(
        ORGANISATIONS.get("ymere").model_copy(update={"role": Role.MUNICIPALITY}), NOW
    )
    assert read_session(forged, ORGANISATIONS, NOW) is None


def test_the_login_list_offers_only_roles_with_a_page():
    choices = login_choices(ORGANISATIONS)
    assert [role for role, _ in choices] == [Role.GGD, Role.SHELTER, Role.CORPORATION, Role.MUNICIPALITY]
    offered = {organisation.id for _, organisations in choices for organisation in organisations}
    assert "politie-amsterdam" not in offered and "hvo-querido" in offered
    assert home_of(Role.POLICE) == "/geen-pagina" and home_of(Role.GGD) == "/ggd"


def test_production_refuses_the_development_organisations_and_sets_a_secure_cookie(tmp_path):
    with pytest.raises(ValueError, match="SIGNAL_ORGANISATIONS_FILE"):
        PortalSettings(environment="production")
    own = tmp_path / "organisations.json"
    own.write_text(DEV_ORGANISATIONS_FILE.read_text())
    settings = PortalSettings(environment="production", organisations_file=own)
    assert settings.secure_cookie is True
    assert PortalSettings(environment="development").secure_cookie is False
    assert settings.token_endpoint == "http://127.0.0.1:8001/oauth/token"
    assert settings.port == 8006
