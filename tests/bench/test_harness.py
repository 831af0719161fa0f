"""The bench harness: floors interleaved with the project, ratios, the table, the record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import harness
from bench.harness import add_ratio, interleave, ratio_name, ratio_rows, ratio_table


def test_interleave_alternates_project_and_floor() -> None:
    order: list[str] = []
    mine, floors = interleave(lambda: order.append("A") or 1, lambda: order.append("B") or 2, 3)
    assert order == ["A", "B", "A", "B", "A", "B"]
    assert mine == [1, 1, 1] and floors == [2, 2, 2]


def test_add_ratio_records_the_limit_and_the_times_the_floor() -> None:
    metrics: dict[str, Any] = {"commit_p50_ms": 6.0}
    add_ratio(metrics, "commit_p50_ms", 4.0)
    assert metrics == {"commit_p50_ms": 6.0, "limit_commit_p50_ms": 4.0, "commit_p50_ratio": 1.5}


def test_a_rate_is_inverted_so_above_one_is_always_slower() -> None:
    metrics: dict[str, Any] = {"rows_per_s": 10_000}
    add_ratio(metrics, "rows_per_s", 40_000)
    assert metrics["rows_ratio"] == 4.0


def test_a_floor_of_zero_gives_no_ratio_rather_than_a_crash() -> None:
    metrics: dict[str, Any] = {"x_s": 1.0}
    add_ratio(metrics, "x_s", 0.0)
    assert metrics["x_ratio"] is None


def test_ratio_names_drop_the_unit() -> None:
    assert ratio_name("startup_s") == "startup_ratio"
    assert ratio_name("rss_mb") == "rss_ratio"
    assert ratio_name("count") == "count_ratio"


def test_the_table_shows_each_ratio_with_its_figures_and_target() -> None:
    metrics: dict[str, Any] = {"commit_p50_ms": 9.0, "commit_p99_ms": 10.0}
    add_ratio(metrics, "commit_p50_ms", 3.0)
    add_ratio(metrics, "commit_p99_ms", 8.0)
    rows = ratio_rows("store", metrics, {"commit_p50_ratio": 2.0, "commit_p99_ratio": 2.0})
    assert rows == [
        ("store", "commit_p50", 9.0, 3.0, 3.0, "≤ 2"),
        ("store", "commit_p99", 10.0, 8.0, 1.25, "≤ 2"),
    ]
    table = ratio_table(rows).splitlines()
    assert table[0].split() == ["bench", "figure", "project", "floor", "ratio", "target"]
    assert table[2].split()[-1] == "OVER" and table[3].split()[-1] == "ok"


def test_a_run_prints_json_lines_on_stdout_and_the_table_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake(_quick: bool) -> dict[str, Any]:
        metrics: dict[str, Any] = {"work_s": 2.0}
        add_ratio(metrics, "work_s", 1.0)
        return {"metrics": metrics, "sizes": {"n": 1}}

    bench = harness.Benchmark("fake", "a fake", fake, {"work_ratio": 3.0})
    monkeypatch.setattr(harness, "discover", lambda: {"fake": bench})
    monkeypatch.setattr(harness, "RESULTS_DIR", tmp_path)
    assert harness.run_benchmarks([], quick=True, as_json=True) == 0
    out, err = capsys.readouterr()
    record = json.loads(out)  # stdout is exactly one JSON object per line
    assert record["metrics"] == {"work_s": 2.0, "limit_work_s": 1.0, "work_ratio": 2.0}
    env = record["environment"]
    assert len(env["load_average_start"]) == 3 and len(env["load_average_end"]) == 3
    assert env["cpu_s"] >= 0 and env["children_cpu_s"] >= 0
    assert "fake" in err and "work" in err and "ok" in err
    assert json.loads((tmp_path / "fake.json").read_text()) == record
