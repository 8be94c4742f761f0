"""Studyhall's core: all behaviour, shared by the Discord bot and the MCP server."""

import os

# numpy's OpenBLAS keeps its threads spinning after each call, which starves the embedding model
# of the machine's few cores; the index's matrix products are small, so one BLAS thread is faster.
# This must be set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
