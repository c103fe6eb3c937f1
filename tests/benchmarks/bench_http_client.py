"""The CPU one HTTP request costs the client, per client library: the register query triage
sends for every signal, posted to a minimal uvicorn server in a process of its own, eight
connections, as triage's register client keeps. Prints figures; asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_http_client [requests]

Rows: httpx with its own transport; httpx over aiohttp (ADR 0045); the same aiohttp transport
handed httpx requests without httpx's client (what triage's register client does, ADR 0051);
aiohttp alone. CPU is this process's (user + system) over the measured requests.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time

import aiohttp
import httpx
import uvloop
from httpx_aiohttp import AiohttpTransport

from shared.direct_http import DirectClient
from tests.support.processes import free_port

SERVER = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"bewoningen": []}'})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
BODY = {"type": "BewoningMetPeildatum", "peildatum": "2026-11-27", "adresseerbaarObjectIdentificatie": "0363010000000001"}
CONNECTIONS = 8
HEADERS = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(post, requests: int) -> tuple[float, float]:
    """CPU ms per request and wall seconds, after a warm-up round."""
    gate = asyncio.Semaphore(CONNECTIONS)

    async def one() -> None:
        async with gate:
            await post()

    await asyncio.gather(*(one() for _ in range(200)))
    started, cpu = time.perf_counter(), cpu_seconds()
    await asyncio.gather(*(one() for _ in range(requests)))
    return 1000 * (cpu_seconds() - cpu) / requests, time.perf_counter() - started


async def main(url: str, requests: int) -> None:
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    for name, transport in (("httpx, own transport", None), ("httpx over aiohttp", AiohttpTransport(limits=limits))):
        async with httpx.AsyncClient(limits=limits, transport=transport) as client:

            async def post() -> None:
                (await client.post(url, json=BODY)).json()

            print("%-22s %.3f ms CPU per request, %.1f s" % (name, *await measure(post, requests)))
    direct = DirectClient(AiohttpTransport(limits=limits), 5.0, HEADERS)
    payload = json.dumps(BODY).encode()

    async def post() -> None:
        (await direct.post(url, content=payload)).json()

    print("%-22s %.3f ms CPU per request, %.1f s" % ("aiohttp transport only", *await measure(post, requests)))
    await direct.aclose()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS)) as session:

        async def post() -> None:
            async with session.post(url, json=BODY) as response:
                await response.json()

        print("%-22s %.3f ms CPU per request, %.1f s" % ("aiohttp alone", *await measure(post, requests)))


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        time.sleep(2)
        uvloop.run(main(f"http://127.0.0.1:{port}/haalcentraal/api/bewoning/bewoningen", count))
    finally:
        server.terminate()
