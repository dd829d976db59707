"""A local HTTP server that answers the Stripe API endpoints the adapter uses, the way
Stripe does (form-encoded requests, JSON objects, a 402 card error for a declined card)."""

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

DECLINED = "pm_card_chargeDeclined"


class StripeState:
    """What the server holds and what it was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.invoices: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        number = next(self._ids)
        metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
        if path == "/v1/customers":
            return 200, {"id": f"cus_{number}", "object": "customer", "email": form.get("email"),
                         "metadata": metadata}  # fmt: skip
        if path == "/v1/invoiceitems":
            return 200, {"id": f"ii_{number}", "object": "invoiceitem",
                         "amount": int(form["amount"]), "currency": form["currency"]}  # fmt: skip
        if path == "/v1/invoices":
            invoice = {"id": f"in_{number}", "object": "invoice", "status": "draft",
                       "customer": form["customer"], "metadata": metadata}  # fmt: skip
            self.invoices[invoice["id"]] = invoice
            return 200, invoice
        _, _, _, invoice_id, action = path.split("/")
        invoice = self.invoices[invoice_id]
        if action == "pay" and form.get("payment_method") == DECLINED:
            return 402, {"error": {"type": "card_error", "code": "card_declined",
                                   "decline_code": "generic_decline",
                                   "message": "Your card was declined."}}  # fmt: skip
        invoice["status"] = {"finalize": "open", "pay": "paid", "void": "void"}[action]
        return 200, invoice


def _handler(state: StripeState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            form = dict(parse_qsl(body))
            state.requests.append((self.path, dict(self.headers.items()), form))
            status, answer = state.answer(self.path, form)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    return Handler


@contextmanager
def stripe_server() -> Iterator[tuple[StripeState, str]]:
    """A server on 127.0.0.1, its state, and its address for ``api_base``."""
    state = StripeState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
