"""Fuzz the central server's API with schemathesis (valid and malformed requests, with a
device credential and without): no 5xx, and nothing of another site in any answer."""

from __future__ import annotations

import secrets
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import NonInteractiveExampleWarning, Unsatisfiable

from models import Citizen, Enrolment, Group
from models.config import Settings
from models.db import write_session
from models.ids import new_id
from models.timeutil import frozen_clock
from sync.changes import publish
from sync.server import create_app
from sync.server.auth import create_enrolment_code, enrol_device
from sync.testing.chaos import fresh_sqlite

#: Planted in another site's rows; no answer to a Hornslet device may contain it. Made at
#: run time: Hypothesis mines string literals from loaded code, so a literal secret ended up
#: in generated requests and came back in the 422 that echoes the request (a false leak).
SECRET = f"KOLIND-{secrets.token_hex(8).upper()}-"


@dataclass
class FuzzResult:
    requests: int = 0
    server_errors: int = 0
    leaks: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def fuzz_app(home: Path, now: datetime) -> tuple[Any, str]:
    """A central with a Kolind-only citizen and group; returns (app, Hornslet token)."""
    home.mkdir(parents=True, exist_ok=True)
    engine = fresh_sqlite("central", home / "central.db", now)
    with write_session(engine) as session:
        citizen = Citizen(id=new_id(), display_name=f"{SECRET}citizen", birth_year=1977)
        session.add(citizen)
        group = Group(
            id=new_id(),
            site_id="kolind",
            offer_id="gruppeforloeb",
            title=f"{SECRET}group",
            code="K-1",
            starts_on=date(2026, 9, 1),
        )
        publish(session, [group], now=now)
        enrolment = Enrolment(
            id=new_id(),
            group_id=group.id,
            citizen_id=citizen.id,
            site_id="kolind",
            starts_on=date(2026, 9, 1),
        )
        publish(session, [enrolment], now=now)
    code = create_enrolment_code(engine, site_id="hornslet", now=now)
    _device, token = enrol_device(engine, code=code, name="fuzz", now=now)
    return create_app(Settings(home=home), engine=engine, now=frozen_clock(now)), token


def fuzz(app: Any, token: str, *, requests: int, seed: int = 0) -> FuzzResult:
    """Send at least ``requests`` generated requests, positive and negative, both with
    ``token`` and without; count 5xx answers and answers carrying another site's data."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]  # type: ignore[union-attr]
    result = FuzzResult()
    variants = [
        (op, mode, auth)
        for op in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for auth in (True, False)
    ]
    round_ = 0
    while result.requests < requests:
        for op, mode, auth in variants:
            headers = {"Authorization": f"Bearer {token}"} if auth else {}
            _run_variant(op.as_strategy(generation_mode=mode), headers, result, seed + round_)
        round_ += 1
        if round_ > 50:
            break
    return result


def _run_variant(strategy: Any, headers: dict[str, str], result: FuzzResult, seed: int) -> None:
    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
        verbosity=Verbosity.quiet,
    )
    @given(case=strategy)
    def send(case: Any) -> None:
        response = case.call(headers={**(case.headers or {}), **headers})
        result.requests += 1
        result.statuses[response.status_code] += 1
        text = response.text
        where = f"{case.method} {case.formatted_path} -> {response.status_code}"
        if response.status_code >= 500:
            result.server_errors += 1
            result.problems.append(where)
        sent = f"{case.body!r}{case.query!r}{case.path_parameters!r}{case.headers!r}"
        if SECRET in text and SECRET not in sent:  # an echo of the request is no leak
            result.leaks += 1
            result.problems.append(f"leak: {where}")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        import random

        state = random.getstate()
        random.seed(seed)
        try:
            send()
        except Unsatisfiable:
            pass  # e.g. no malformed request exists for an operation without parameters
        finally:
            random.setstate(state)
