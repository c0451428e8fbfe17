"""Drives the real, unmodified pywa client (from PyPI) through Recordkeeper's recording proxy.

pywa always talks to https://graph.facebook.com/v{version}: it overwrites the base URL of the
httpx.Client it is given. So the client gets a transport that sends every request for
graph.facebook.com to the proxy instead (http://127.0.0.1:PORT/graph/...), path and query
kept, and otherwise delegates to httpx's own HTTPTransport. Nothing of pywa is patched.

Usage:
    python pywa_driver.py --proxy http://127.0.0.1:PORT/graph --token TOKEN --phone-id ID \
        --api-version 23.0 OPERATIONS_JSON

OPERATIONS_JSON is a JSON array of operations:
    {"op": "text", "to": "...", "text": "..."}
    {"op": "template", "to": "...", "name": "...", "language": "en_US", "body": ["Ana", ...]}
    {"op": "reaction", "to": "...", "emoji": "...", "message_id": "wamid..."}
    {"op": "mark_read", "message_id": "wamid..."}

For each operation one JSON line is printed on standard output:
    {"op": ..., "ok": true, "id": "<wamid or null>", "success": <bool or null>}
    {"op": ..., "ok": false, "exception": "<pywa exception class>", "code": ..., "message": ...,
     "details": ..., "fbtrace_id": ..., "subcode": ..., "type": ..., "status_code": ...,
     "raw": {...the error object pywa parsed...}}
An exception that is not one of pywa's WhatsAppError classes prints "ok": false with
"exception" and "error" (its text) and makes the exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys

import httpx
import pywa
from pywa import WhatsApp
from pywa.errors import WhatsAppError
from pywa.types.templates import BodyText, TemplateLanguage

GRAPH_HOST = "graph.facebook.com"


class ProxyTransport(httpx.BaseTransport):
    """Sends requests for graph.facebook.com to the recording proxy; everything else as is."""

    def __init__(self, proxy: str) -> None:
        self._proxy = httpx.URL(proxy.rstrip("/"))
        self._inner = httpx.HTTPTransport()
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == GRAPH_HOST:
            request.url = request.url.copy_with(
                scheme=self._proxy.scheme,
                host=self._proxy.host,
                port=self._proxy.port,
                path=self._proxy.path + request.url.path,
            )
            request.headers["Host"] = request.url.netloc.decode("ascii")
        self.requests.append(f"{request.method} {request.url}")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def run(wa: WhatsApp, operation: dict) -> dict:
    op = operation["op"]
    if op == "text":
        sent = wa.send_message(to=operation["to"], text=operation["text"])
        return {"id": sent.id, "success": None}
    if op == "template":
        sent = wa.send_template(
            to=operation["to"],
            name=operation["name"],
            language=TemplateLanguage(operation.get("language", "en_US")),
            params=[BodyText.params(*operation.get("body", []))],
        )
        return {"id": sent.id, "success": None}
    if op == "reaction":
        sent = wa.send_reaction(to=operation["to"], emoji=operation["emoji"], message_id=operation["message_id"])
        return {"id": sent.id, "success": None}
    if op == "mark_read":
        result = wa.mark_message_as_read(message_id=operation["message_id"])
        return {"id": None, "success": bool(result)}
    raise ValueError(f"unknown operation {op!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proxy", required=True, help="the proxy root, e.g. http://127.0.0.1:8080/graph")
    parser.add_argument("--token", required=True, help="the integration token Recordkeeper issued")
    parser.add_argument("--phone-id", required=True)
    parser.add_argument("--api-version", default="23.0")
    parser.add_argument("operations", help="a JSON array of operations")
    args = parser.parse_args()

    transport = ProxyTransport(args.proxy)
    session = httpx.Client(transport=transport, timeout=30)
    wa = WhatsApp(phone_id=args.phone_id, token=args.token, session=session, api_version=args.api_version)

    status = 0
    for operation in json.loads(args.operations):
        line: dict = {"op": operation["op"]}
        try:
            line |= {"ok": True} | run(wa, operation)
        except WhatsAppError as error:
            line |= {
                "ok": False,
                "exception": type(error).__name__,
                "code": error.code,
                "message": error.message,
                "details": error.details,
                "fbtrace_id": error.fbtrace_id,
                "subcode": error.subcode,
                "type": error.type,
                "status_code": error.status_code,
                "raw": error.raw,
            }
        except Exception as error:  # noqa: BLE001 - reported to the Swift test, which fails
            line |= {"ok": False, "exception": type(error).__name__, "error": str(error)}
            status = 2
        print(json.dumps(line, ensure_ascii=False), flush=True)
    print(json.dumps({"pywa": pywa.__version__, "requests": transport.requests}), file=sys.stderr)
    session.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
