"""The supervisor of ``manage.py serve`` (what ``make run`` leaves running), without Django.

``serve`` works out the command lines with the settings, starts the embedded Redis, then
replaces itself (``os.execv``) with this script, run by path so that neither Django nor
the project's packages are imported: the process that only waits on web, worker and beat
holds a few MiB instead of a whole Django (issue 20: 246 MiB resident).

    python core/supervise.py '{"commands": {"web": [...], ...}, "env": {...}, "after": [pid]}'

It starts every command, stops them all when one exits or on SIGTERM/SIGINT, then stops
the processes listed in ``after`` (the embedded Redis, started before the exec) and exits
with the first failing child's code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time


def main(spec: dict) -> int:
    children = {
        name: subprocess.Popen(cmd, env=spec["env"])  # noqa: S603 - our own command lines
        for name, cmd in spec["commands"].items()
    }
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    try:
        while not stopping:
            for name, proc in children.items():
                code = proc.poll()
                if code is not None:
                    sys.stderr.write(f"{name} exited with {code}; stopping the rest\n")
                    exit_code = code or 1
                    stopping = True
                    break
            time.sleep(0.3)
    finally:
        for proc in children.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        for pid in spec.get("after", []):
            _stop_pid(pid)
    return exit_code


def _stop_pid(pid: int) -> None:
    """SIGTERM a child started before the exec (it saves its state), SIGKILL after 10 s."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
