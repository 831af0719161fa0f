"""Moved to ``sync.testing.pg_cluster`` (the concurrency bench starts the same PostgreSQL);
``python -m tests.pg_cluster`` still starts and stops a cluster once (CI's check)."""

from __future__ import annotations

from sync.testing.pg_cluster import main

if __name__ == "__main__":
    raise SystemExit(main())
