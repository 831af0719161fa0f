"""The chaos bench keeps the central server's INFO logs off stderr (into a file) and still
shows warnings, so its JSON lines stay readable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import logging, sys
from pathlib import Path

# Logging as `mestring` sets it up (kiosk.cli.main, without --verbose).
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(msg)s")
logging.getLogger("alembic").setLevel(logging.WARNING)
from bench import bench_chaos
from sync.server.app import log_event
from sync.testing.server_logs import server_logs_to

log_event("before_the_bench")
with server_logs_to(Path(sys.argv[1])):
    print(bench_chaos.fuzzing(5))
    print(bench_chaos.kills(1, 48))
    logging.getLogger("mestring.server").warning("a real problem")
log_event("after_the_bench")
"""


def test_chaos_pieces_that_start_servers_log_info_to_the_file_and_only_warnings_to_stderr(
    tmp_path: Path,
) -> None:
    log = tmp_path / "logs" / "server.log"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(log)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    stderr = done.stderr.splitlines()
    info = [line for line in stderr if "INFO" in line]
    # Outside the block the server logs as before; inside, nothing at INFO reaches stderr.
    assert len(info) == 2 and "before_the_bench" in info[0] and "after_the_bench" in info[1]
    assert any("WARNING" in line and "a real problem" in line for line in stderr)
    written = log.read_text(encoding="utf-8").splitlines()
    assert sum(" INFO mestring.server: " in line for line in written) > 5
    assert any("a real problem" in line for line in written)
    assert "'lost': 0" in done.stdout
