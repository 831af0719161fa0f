"""Hostile values in every field: each request field, and each field of a realistic row of
every push kind, replaced in turn by NaN, 2^31, 2^63, NUL, ESC and CPR-like strings, sent
with a valid credential. Counts 5xx answers and refusals that repeat the hostile value."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from models.ids import new_id
from sync.hlc import Stamp

#: JSON literals (not Python values: NaN and huge integers must reach the server verbatim),
#: with what must never come back in a refusal.
HOSTILE: dict[str, str] = {
    "NaN": "NaN",
    "Infinity": "Infinity",
    str(2**31): str(2**31),
    str(2**63): str(2**63),
    '"nul\\u0000nul"': "nul\x00nul",
    '"\\u001b]0;owned\\u0007\\u001b[5m"': "\x1b]0;owned",
    '"120385-1234"': "120385-1234",
    '"1203851234"': "1203851234",
}
_SLOT = "@@HOSTILE-VALUE@@"
PUSH = "/v1/sync/push"
JSON = {"content-type": "application/json"}


@dataclass
class HostileResult:
    requests: int = 0
    placed: int = 0  # hostile values sent (a batch carries several)
    server_errors: int = 0
    echoes: int = 0  # a 4xx refusal repeating the hostile value
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Targets:
    """Who pushes, and rows of central's own that a realistic row can name."""

    device_id: str
    site_id: str
    citizen_id: str
    session_id: str
    offer_id: str = "gruppeforloeb"


def realistic_rows(t: Targets, now: datetime) -> dict[str, dict[str, Any]]:
    """One plausible row per push kind, as a kiosk writes it."""
    base = {
        "site_id": t.site_id,
        "device_id": t.device_id,
        "hlc": Stamp(int(now.timestamp() * 1000), 0, t.device_id).pack(),
        "created_at": now.isoformat(),
    }
    day = now.date().isoformat()
    rows: dict[str, dict[str, Any]] = {
        "check_in": {"action": "check_in", "citizen_id": t.citizen_id, "offer_id": t.offer_id},
        "anonymous_contact": {"offer_id": t.offer_id, "topics": "", "contact_date": day},
        "attendance_mark": {
            "session_id": t.session_id,
            "citizen_id": t.citizen_id,
            "mark": "present",
        },
        "queue_ticket": {"queue_date": day, "number": 1, "offer_id": t.offer_id, "name": "Bo"},
        "queue_ticket_event": {"ticket_id": new_id(), "action": "called"},
        "session_state_change": {"session_id": t.session_id, "state": "held", "reason": ""},
        "questionnaire_answer": {"questionnaire_id": "besoeg", "offer_id": t.offer_id,
                                 "answer_date": day, "answers": "besoeg.1:4"},
        "fit_rating": {"questionnaire_id": "fit-outcome", "citizen_id": t.citizen_id,
                       "session_id": t.session_id, "answers": "fit-outcome.1:5"},
        "fit_plan_change": {"target": "group", "target_id": t.session_id, "state": "on",
                            "staff_id": t.device_id},
        "audit_entry": {"citizen_id": t.citizen_id, "action": "search", "detail": "x"},
    }  # fmt: skip
    events = {kind: {"id": "", **base, **row} for kind, row in rows.items()}
    citizen = {"id": "", "display_name": "Bo Ny", "birth_year": 1990, "provisional": True}
    return {**events, "citizen": {**citizen, "created_site_id": t.site_id}}


def _render(document: Any, literal: str) -> bytes:
    """``document`` as JSON with the string ``_SLOT`` replaced by the raw ``literal``."""
    return json.dumps(document).replace(f'"{_SLOT}"', literal).encode()


class _Sender:
    def __init__(self, client: httpx.Client, result: HostileResult) -> None:
        self.client, self.result, self.next_seq = client, result, 1

    def send(self, method: str, url: str, literal: str, **kwargs: Any) -> httpx.Response:
        answer = self.client.request(method, url, **kwargs)
        self.result.requests += 1
        self.result.statuses[answer.status_code] += 1
        where = f"{method} {url} {literal[:24]!r} -> {answer.status_code}"
        if answer.status_code >= 500:
            self.result.server_errors += 1
            self.result.problems.append(where)
        if 400 <= answer.status_code < 500 and HOSTILE[literal] in answer.text:
            self.result.echoes += 1
            self.result.problems.append(f"echo: {where}")
        return answer

    def push(self, kind: str, rows: list[dict[str, Any]], literal: str) -> None:
        """One batch of ``rows``; when a hostile string fails the whole batch, each row is
        sent alone too, so that one row's refusal cannot hide another's server error."""
        self.result.placed += len(rows)
        answer = self._push(kind, rows, literal)
        if answer.status_code == 422 and literal.startswith('"') and len(rows) > 1:
            for row in rows:
                self._push(kind, [row], literal)

    def _push(self, kind: str, rows: list[dict[str, Any]], literal: str) -> httpx.Response:
        first = self.next_seq
        mutations = [{"seq": first + n, "kind": kind, "row": row} for n, row in enumerate(rows)]
        content = _render({"first_seq": first, "mutations": mutations}, literal)
        answer = self.send("POST", PUSH, literal, content=content, headers=JSON)
        if answer.status_code == 200:
            self.next_seq = int(answer.json()["acked_through"]) + 1
        return answer


def hostile_requests(client: httpx.Client, targets: Targets, now: datetime) -> HostileResult:
    """Send every hostile value in every field the OpenAPI schema names (query parameters and
    body properties of every operation) and in every field of a realistic row of each push
    kind; ``client`` carries the device's credential."""
    result = HostileResult()
    sender = _Sender(client, result)
    operations = list(schema_operations(client.get("/openapi.json").json()))
    for literal in HOSTILE:
        for kind, row in realistic_rows(targets, now).items():
            sender.push(kind, [{**row, "id": new_id(), name: _SLOT} for name in row], literal)
        for op in operations:
            for name in op.query:
                params = {**op.required_query, name: HOSTILE[literal]}
                sender.send(op.method, op.path, literal, params=params)
                result.placed += 1
            for name in op.body:
                document = (
                    _push_with(sender.next_seq, name)
                    if op.path == PUSH
                    else {**op.body, name: _SLOT}
                )
                content = _render(document, literal)
                sender.send(op.method, op.path, literal, content=content, headers=JSON)
                result.placed += 1
    return result


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    query: list[str]
    required_query: dict[str, str]
    body: dict[str, Any]  # property -> a harmless value


def schema_operations(openapi: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of the schema with its query parameters and body properties."""
    schemas = openapi.get("components", {}).get("schemas", {})
    for path, methods in openapi["paths"].items():
        for method, spec in methods.items():
            params = [p for p in spec.get("parameters", []) if p.get("in") == "query"]
            required = {p["name"]: _harmless_query(p) for p in params if p.get("required")}
            body_schema = (
                spec.get("requestBody", {}).get("content", {}).get("application/json", {})
            ).get("schema", {})
            if "$ref" in body_schema:
                body_schema = schemas[body_schema["$ref"].rsplit("/", 1)[-1]]
            body = {
                name: _harmless(prop) for name, prop in body_schema.get("properties", {}).items()
            }
            query = [p["name"] for p in params]
            yield Operation(method.upper(), path, query, required, body)


def _harmless_query(param: dict[str, Any]) -> str:
    return "citizen" if param["name"] == "table" else "1"


def _harmless(prop: dict[str, Any]) -> Any:
    kind = prop.get("type")
    if kind == "integer":
        return max(1, int(prop.get("minimum", 1)))
    if kind == "array":
        return []
    if kind == "object" or "$ref" in prop:
        return {}
    return "x" * max(4, int(prop.get("minLength", 4)))


def _push_with(seq: int, top: str) -> dict[str, Any]:
    """A push whose top-level ``top`` (or, for ``mutations``, each mutation field) is hostile."""
    mutation: dict[str, Any] = {"seq": seq, "kind": "check_in", "row": {}}
    batch: dict[str, Any] = {"first_seq": seq, "mutations": [mutation]}
    if top == "mutations":
        mutation.update(seq=_SLOT, kind=_SLOT, row={"id": _SLOT})
    else:
        batch[top] = _SLOT
    return batch
