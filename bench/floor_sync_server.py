"""The sync floor's server: a minimal FastAPI app over a central-schema SQLite database.

``POST /push`` takes a JSON array of check-ins and writes them with one ``executemany`` in
one durable transaction; ``GET /rows/{site}`` returns the site's group sessions, and
``GET /citizens/{site}`` every citizen in the site's scope, as JSON arrays. No validation,
no clocks, no feed: only the work any sync must do (bench/README.md, sync). Run as
``python -m bench.floor_sync_server DATABASE PORT``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

from fastapi import FastAPI, Request, Response

COLUMNS = ("id", "site_id", "device_id", "hlc", "created_at", "action", "citizen_id",
           "offer_id", "method")  # fmt: skip
PUSH_SQL = (
    f"INSERT INTO check_in ({', '.join(COLUMNS)}, received_at) "
    f"VALUES ({', '.join('?' * len(COLUMNS))}, ?)"
)


def create_app(database: str) -> FastAPI:
    db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/push")
    async def push(request: Request) -> dict[str, int]:
        events = json.loads(await request.body())
        received = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
        db.execute("BEGIN IMMEDIATE")
        db.executemany(PUSH_SQL, ([e[c] for c in COLUMNS] + [received] for e in events))
        db.execute("COMMIT")
        return {"stored": len(events)}

    @app.get("/rows/{site}")
    def rows(site: str) -> Response:
        found = db.execute(
            "SELECT id, group_id, site_id, starts_at, ends_at, location, status, status_reason,"
            " closed, state_hlc FROM group_session WHERE site_id = ?", (site,)
        ).fetchall()  # fmt: skip
        return Response(json.dumps(found), media_type="application/json")

    @app.get("/citizens/{site}")
    def citizens(site: str) -> Response:
        found = db.execute(
            "SELECT c.id, c.display_name, c.birth_year, c.reference, c.card_token, c.updated_at"
            " FROM citizen c JOIN site_scope s ON s.citizen_id = c.id WHERE s.site_id = ?",
            (site,),
        ).fetchall()
        return Response(json.dumps(found), media_type="application/json")

    return app


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(create_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]),
                log_level="warning", access_log=False)  # fmt: skip
