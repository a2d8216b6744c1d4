"""Drive one URL with ``wrk`` and read requests/s, p50, p95 and errors from a Lua ``done`` hook."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# wrk's summary lacks p95; this hook prints one parseable line after the run.
_REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("MAGPIE-BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_measure(url: str, *, host: str, threads: int, connections: int, seconds: int) -> Measurement:
    """``wrk -tT -cC -dDs`` against ``url`` with the store's Host header. Non-2xx/3xx answers count as errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_REPORT_LUA)
    try:
        result = subprocess.run(  # noqa: S603 - wrk from PATH with our own arguments
            [  # noqa: S607
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-H",
                f"Host: {host}",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    for line in result.stdout.splitlines():
        if line.startswith("MAGPIE-BENCH "):
            requests, duration_us, p50_us, p95_us, errors = (int(v) for v in line.split()[1:])
            return Measurement(requests, duration_us / 1e6, p50_us / 1000, p95_us / 1000, errors)
    raise RuntimeError(f"wrk printed no summary for {url}:\n{result.stdout}\n{result.stderr}")
