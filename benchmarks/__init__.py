"""The measurements behind ``rag-territoires bench`` and docs/performance.md: latency,
load, workers, scale, the chat page, the grounding check, memory over reloads.

They start servers, a browser, a second FastAPI app and an adversarial language model:
tooling of a checkout, not of the product, so the wheel leaves this package out
(pyproject.toml lists only ``rag_territoires`` and ``rag_territoires_ui``). ``bench``
imports it from the checkout the package runs from (``rag_territoires.cli.checkout``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the checkout holding this package


def child_env() -> dict[str, str]:
    """This environment, with the checkout on ``PYTHONPATH``: a process started with
    ``python -m benchmarks...`` imports this package wherever its working directory is."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
