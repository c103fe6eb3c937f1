"""Sessions are kept server-side, keyed by a random id; the browser never holds a token.
A login replaces the session id; an idle session is forgotten; the CSRF token belongs
to one session."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.organisations import Organisations, Role
from shared.settings import DEV_ORGANISATIONS_FILE
from services.portal.oidc import code_challenge
from services.portal.session import Session, SessionStore, csrf_matches, home_of, login_choices
from services.portal.settings import PortalSettings

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ORGANISATIONS = Organisations.load(DEV_ORGANISATIONS_FILE)


def login(organisation_id: str = "hvo-querido") -> Session:
    return Session(organisation=ORGANISATIONS.get(organisation_id), token="access-token", expires_at=NOW + timedelta(minutes=15))


def test_a_login_gets_a_new_random_session_id_and_csrf_token_and_the_old_session_is_gone():
    store = SessionStore()
    anonymous_id, anonymous = store.create(NOW)
    logged_in_id = store.log_in(anonymous_id, login(), NOW)
    entry = store.get(logged_in_id, NOW)
    assert logged_in_id != anonymous_id and len(logged_in_id) >= 43  # 256 random bits, url-safe
    assert store.get(anonymous_id, NOW) is None
    assert entry.login.organisation.id == "hvo-querido" and entry.login.role is Role.SHELTER
    assert entry.login.csrf_token == entry.csrf_token != anonymous.csrf_token


def test_an_idle_session_is_forgotten_and_a_used_one_kept():
    store = SessionStore(idle=timedelta(minutes=30))
    used = store.log_in(None, login(), NOW)
    idle = store.log_in(None, login("ymere"), NOW)
    assert store.get(used, NOW + timedelta(minutes=25)) is not None
    assert store.get(used, NOW + timedelta(minutes=50)) is not None  # last seen at 25
    assert store.get(idle, NOW + timedelta(minutes=50)) is None
    assert store.get("guessed", NOW) is None and store.get(None, NOW) is None


def test_the_csrf_token_must_be_this_sessions():
    store = SessionStore()
    _, one = store.create(NOW)
    _, other = store.create(NOW)
    assert csrf_matches(one, one.csrf_token)
    assert not csrf_matches(one, other.csrf_token)
    assert not csrf_matches(one, "") and not csrf_matches(one, None) and not csrf_matches(None, one.csrf_token)


def test_pkce_uses_the_s256_challenge_of_rfc_7636():
    # RFC 7636, appendix B
    assert code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_the_login_list_offers_only_roles_with_a_page():
    choices = login_choices(ORGANISATIONS)
    assert [role for role, _ in choices] == [
        Role.GGD, Role.PREVENTION_TEAM, Role.SHELTER, Role.CORPORATION, Role.BAILIFF, Role.POLICE, Role.MUNICIPALITY,
    ]  # fmt: skip
    offered = {organisation.id for _, organisations in choices for organisation in organisations}
    assert "functionaris-gegevensbescherming" not in offered and {"hvo-querido", "politie-amsterdam"} <= offered
    assert home_of(Role.PRIVACY_OFFICER) == "/geen-pagina" and home_of(Role.GGD) == "/ggd"
    assert (home_of(Role.PREVENTION_TEAM), home_of(Role.BAILIFF), home_of(Role.POLICE)) == ("/preventie", "/deurwaarder", "/politie")


def test_production_refuses_the_development_organisations_and_login_and_sets_a_secure_cookie(tmp_path):
    with pytest.raises(ValueError, match="SIGNAL_ORGANISATIONS_FILE, PORTAL_OIDC_ISSUER, PORTAL_OIDC_CLIENT_SECRET, SIGNAL_METRICS_TOKEN"):
        PortalSettings(environment="production")
    own = tmp_path / "organisations.json"
    own.write_text(DEV_ORGANISATIONS_FILE.read_text())
    settings = PortalSettings(
        environment="production", organisations_file=own, oidc_issuer="https://login.example.nl/realms/signaalketen",
        oidc_client_secret="generated-for-this-deployment", public_url="https://portaal.example.nl",
        metrics_token="the-scrapers-token",
    )  # fmt: skip
    assert settings.secure_cookie is True and settings.development_login is False
    assert settings.redirect_uri == "https://portaal.example.nl/auth/callback"
    development = PortalSettings(environment="development")
    assert development.secure_cookie is False and development.development_login is True
    assert development.redirect_uri == "http://127.0.0.1:8006/auth/callback"
