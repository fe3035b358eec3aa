"""Known vulnerabilities in the pinned dependencies (``constraints.txt``), via pip-audit.

    .venv/bin/python bench/audit.py                 # OSV database (api.osv.dev)
    .venv/bin/python bench/audit.py --service pypi  # PyPI's advisory data instead

``constraints.txt`` is the lock: every package and version harmwatch installs.
pip-audit checks exactly those pins (``--no-deps``: the file is already complete).
When pip-audit is not installed, or its vulnerability database cannot be
reached (these machines reach only package registries), the audit is skipped
with a message and exit code 0: it is a CI-optional step, never a failure
offline.  Exit code 1 means a pinned version has a known vulnerability.
"""

from __future__ import annotations

import argparse
import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTS = {"osv": "api.osv.dev", "pypi": "pypi.org"}


def reachable(host: str, timeout: float = 5.0) -> str | None:
    """None when ``host`` answers on 443, else why not."""
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError as exc:
        return str(exc) or type(exc).__name__
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", choices=sorted(HOSTS), default="osv")
    parser.add_argument("--requirements", type=Path, default=ROOT / "constraints.txt")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("pip_audit") is None:
        print("audit skipped: pip-audit is not installed (pip install -e '.[test]' installs it)")
        return 0
    if not args.requirements.is_file():
        print(f"audit skipped: {args.requirements} is missing; regenerate it with pip freeze (README)")
        return 0
    why = reachable(HOSTS[args.service])
    if why is not None:
        print(f"audit skipped: the {args.service} vulnerability database ({HOSTS[args.service]}) is not "
              f"reachable from here ({why}); run it where it is, e.g. in CI")
        return 0
    cmd = [sys.executable, "-m", "pip_audit", "--requirement", str(args.requirements), "--no-deps",
           "--disable-pip", "--vulnerability-service", args.service, "--progress-spinner", "off"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    print(done.stdout.strip() or "(no output)")
    if done.returncode not in (0, 1):  # 1: vulnerabilities found; anything else: pip-audit itself failed
        print(f"audit skipped: pip-audit could not run ({done.returncode}): {done.stderr.strip()[-500:]}")
        return 0
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
