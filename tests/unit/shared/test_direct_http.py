"""DirectClient: a POST straight to an httpx transport, as httpx's client would send it, for
the requests a service sends many of (register queries, webhook deliveries)."""

from __future__ import annotations

import httpx

from shared.direct_http import DirectClient


def recording(status: int = 200, headers: dict[str, str] | None = None):
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers=headers, json={"echo": request.content.decode()})

    return seen, httpx.MockTransport(answer)


async def test_sends_the_body_with_the_clients_and_the_requests_headers_and_reads_the_answer():
    seen, transport = recording()
    client = DirectClient(transport, 5.0, {"Accept": "application/json", "X-API-KEY": "key"})
    response = await client.post("http://register.test/bewoningen", content=b'{"q": 1}', headers={"Authorization": "Bearer t"})
    assert response.status_code == 200 and response.json() == {"echo": '{"q": 1}'}
    request = seen[0]
    assert request.method == "POST" and str(request.url) == "http://register.test/bewoningen"
    assert request.headers["Accept"] == "application/json" and request.headers["X-API-KEY"] == "key"
    assert request.headers["Authorization"] == "Bearer t" and request.headers["Content-Length"] == "8"
    assert request.extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


async def test_a_redirect_is_the_answer_and_is_not_followed():
    seen, transport = recording(302, {"Location": "http://169.254.169.254/"})
    response = await DirectClient(transport, 1.0).post("https://partner.test/hook", content=b"[]")
    assert response.status_code == 302 and len(seen) == 1


async def test_every_request_goes_to_its_own_url_however_many_there_are():
    seen, transport = recording()
    client = DirectClient(transport, 1.0)
    urls = [f"https://partner-{n}.test/hook" for n in range(1100)] + ["https://partner-7.test/hook"]
    for url in urls:
        await client.post(url, content=b"{}")
    assert [str(request.url) for request in seen] == urls
