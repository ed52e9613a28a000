"""A drill server for tests: in-process (Starlette's test client) or a real `drill serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

TOKEN = "test-facilitator-token-0123456789"
DRILL = str(Path(sys.executable).with_name("drill"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RealServer:
    """`drill serve` in a subprocess, with a token file and a database of the test's."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.db = folder / "serve.db"
        self.token_file = folder / "token"
        self.token_file.write_text(TOKEN + "\n")
        self.process: subprocess.Popen[str] | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> RealServer:
        self.process = subprocess.Popen(
            [DRILL, "serve", "--port", str(self.port), "--db", str(self.db), "--token-file",
             str(self.token_file)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
            if self.process.poll() is not None:
                raise RuntimeError(f"drill serve stopped: {self.process.stdout.read()}")  # type: ignore[union-attr]
        raise RuntimeError("drill serve did not answer within 60 s")

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        self.process.wait(timeout=30)
        self.process = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def facilitator(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.base + path, timeout=30, **kwargs)
