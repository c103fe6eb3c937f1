"""Which addresses a webhook may go to (pure): in production only public ones, whatever way an
address is written, plus the networks a deployment allows; cloud metadata never."""

from ipaddress import ip_address, ip_network

import pytest
from pydantic import ValidationError

from services.notifications.callback_policy import MAX_URL_LENGTH, CallbackPolicy
from services.notifications.settings import NotificationsSettings

PRODUCTION = CallbackPolicy.for_environment("production")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("127.3.2.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("169.254.1.1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.170.2", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("192.0.0.192", "cloud metadata"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "unique-local"),
        ("fd12:3456::1", "unique-local"),
        ("fd00:ec2::254", "cloud metadata"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),  # NAT64 of 169.254.169.254
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:c0a8:101::1", "private"),  # 6to4 of 192.168.1.1
    ],
)
def test_production_refuses_every_non_public_address_however_it_is_written(address, kind):
    assert PRODUCTION.address_problem(ip_address(address)) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "145.97.32.1", "2001:4860:4860::8888", "::ffff:145.97.32.1", "64:ff9b::808:808"])
def test_production_accepts_public_addresses(address):
    assert PRODUCTION.address_problem(ip_address(address)) is None


def test_allowed_networks_open_an_internal_network_but_never_metadata():
    policy = CallbackPolicy.for_environment("production", (ip_network("10.20.0.0/16"), ip_network("169.254.0.0/16")))
    assert policy.address_problem(ip_address("10.20.3.4")) is None
    assert policy.address_problem(ip_address("10.21.3.4")) == "private"
    assert policy.address_problem(ip_address("169.254.10.10")) is None
    assert policy.address_problem(ip_address("169.254.169.254")) == "cloud metadata"


def test_development_and_test_send_where_the_url_says():
    for environment in ("development", "test"):
        policy = CallbackPolicy.for_environment(environment)
        assert policy.address_problem(ip_address("127.0.0.1")) is None
        assert policy.url_problem("http://127.0.0.1:8080/hook") is None


def test_production_wants_https_a_host_and_a_bounded_length():
    assert PRODUCTION.url_problem("https://partner.example/hooks") is None
    assert PRODUCTION.url_problem("http://partner.example/hooks") == "must use https"
    assert PRODUCTION.url_problem("ftp://partner.example/hooks") == "must be an http(s) URL with a host"
    assert PRODUCTION.url_problem("https:///hooks") == "must be an http(s) URL with a host"
    long = "https://partner.example/" + "a" * MAX_URL_LENGTH
    assert PRODUCTION.url_problem(long) == f"is longer than {MAX_URL_LENGTH} characters"


def test_the_allowed_networks_and_the_lease_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("NOTIFICATIONS_CALLBACK_ALLOWED_NETWORKS", '["10.20.0.0/16", "fd00:20::/32"]')
    settings = NotificationsSettings(environment="development")
    assert settings.callback_allowed_networks == [ip_network("10.20.0.0/16"), ip_network("fd00:20::/32")]
    monkeypatch.setenv("NOTIFICATIONS_CALLBACK_ALLOWED_NETWORKS", '["10.20.0.1/16"]')  # host bits: a typo, refused
    with pytest.raises(ValidationError, match="callback_allowed_networks"):
        NotificationsSettings(environment="development")


def test_a_lease_no_longer_than_the_request_timeout_is_refused():
    with pytest.raises(ValidationError, match="LEASE_SECONDS must be longer"):
        NotificationsSettings(delivery_timeout_seconds=10, delivery_lease_seconds=10)
