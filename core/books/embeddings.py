"""Dense text embeddings for the book index, with a lexical-only fallback.

`load_embedder` gives either a FastEmbed model (a local ONNX folder, or a model name that is
cached or can be downloaded) or, when no model can be had, a `LexicalOnlyEmbedder` whose `reason`
tells the operator what to set. It never waits on FastEmbed's download retries (~39 s when the
model hub is unreachable): a name is tried from the local cache first, then the hub is probed with
a short timeout, and only a reachable hub is handed to FastEmbed.

Embedding is CPU-bound and blocking. The methods are synchronous and safe to call from several
threads at once; async callers run them with `asyncio.to_thread`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
LEXICAL_ONLY_NAME = "lexical-only"

# The input length each sentence-transformers model was trained on (its `max_seq_length`).
# FastEmbed truncates at the tokenizer's `model_max_length` (512 for MiniLM), which doubles the
# cost of long passages for no gain in fidelity, so these models are cut at their trained length.
_TRAINED_MAX_TOKENS = {
    "sentence-transformers/all-minilm-l6-v2": 256,
    "sentence-transformers/paraphrase-multilingual-minilm-l12-v2": 128,
    "sentence-transformers/paraphrase-multilingual-mpnet-base-v2": 128,
}

NO_MODEL = (
    "no embedding model, so search matches keywords only: set STUDYHALL_EMBEDDING_MODEL_PATH to a "
    "local model folder (`studyhall doctor` says why)"
)
_HOW_TO_FIX = (
    "Set STUDYHALL_EMBEDDING_MODEL_PATH=/path/to/model-folder (a local FastEmbed/ONNX model "
    "folder), or STUDYHALL_EMBEDDING_MODEL=<fastembed model name> on a machine with network "
    "access to the model hub. Search runs lexical-only (keyword matching) until then."
)


class EmbeddingsUnavailable(RuntimeError):
    """Dense embeddings were asked of a lexical-only embedder."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int | None
    available: bool
    reason: str | None

    def embed_passages(self, texts: list[str], batch_size: int = 8) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class LexicalOnlyEmbedder:
    """Stands in for a model that could not be loaded: search falls back to lexical matching."""

    available = False
    dim: int | None = None

    def __init__(self, reason: str, requested: str | None = None) -> None:
        self.name = LEXICAL_ONLY_NAME
        self.reason: str | None = reason
        self.requested = requested  # the model that was asked for, for display

    def embed_passages(self, texts: list[str], batch_size: int = 8) -> list[list[float]]:
        raise EmbeddingsUnavailable(self.reason or "no embedding model")

    def embed_query(self, text: str) -> list[float]:
        raise EmbeddingsUnavailable(self.reason or "no embedding model")

    def __repr__(self) -> str:
        return f"LexicalOnlyEmbedder(requested={self.requested!r})"


class FastEmbedEmbedder:
    """A loaded FastEmbed text model. Vectors are L2-normalised (compare them with cosine)."""

    available = True
    reason: str | None = None

    def __init__(
        self,
        model: Any,
        name: str,
        *,
        source: str,
        max_tokens: int | None = None,
        query_cache_size: int = 512,
    ) -> None:
        self._model = model
        self.name = name
        self.source = source  # the folder or cache the model was loaded from, for display
        self.max_tokens = _limit_tokens(model, max_tokens)
        self._query_cache: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._query_cache_size = query_cache_size
        self._cache_lock = threading.Lock()
        # One real embedding proves the model runs and gives its true dimension.
        probe = self._embed(["dimension probe"], batch_size=1, query=False)
        self.dim: int | None = int(probe.shape[1])

    def embed_passages(self, texts: list[str], batch_size: int = 8) -> list[list[float]]:
        """Embed passages in order. On CPU small batches are fastest (padding to the longest
        text of a batch costs more than batching saves): 8 is ~2x faster than 64 on 2 cores."""
        if not texts:
            return []
        # A batch is padded to its longest text, so texts of like length are batched together
        # (by character count, a good enough proxy for word pieces) and put back in order after.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        matrix = self._embed([texts[i] for i in order], batch_size=batch_size, query=False)
        vectors: list[list[float]] = [[]] * len(texts)
        for row, i in zip(matrix.tolist(), order, strict=True):
            vectors[i] = row
        return vectors

    def embed_query(self, text: str) -> list[float]:
        with self._cache_lock:
            cached = self._query_cache.get(text)
            if cached is not None:
                self._query_cache.move_to_end(text)
                return list(cached)
        vector = self._embed([text], batch_size=1, query=True)[0].tolist()
        if self._query_cache_size > 0:
            with self._cache_lock:
                self._query_cache[text] = tuple(vector)
                self._query_cache.move_to_end(text)
                while len(self._query_cache) > self._query_cache_size:
                    self._query_cache.popitem(last=False)
        return vector

    def _embed(self, texts: list[str], *, batch_size: int, query: bool) -> np.ndarray:
        if query:
            rows = self._model.query_embed(texts, batch_size=batch_size)
        else:
            rows = self._model.passage_embed(texts, batch_size=batch_size)
        matrix = np.asarray(list(rows), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0.0, 1.0, norms)

    def __repr__(self) -> str:
        return f"FastEmbedEmbedder(name={self.name!r}, dim={self.dim}, source={self.source!r})"


def load_embedder(
    model: str | None,
    model_path: Path | None,
    cache_dir: Path | None,
    *,
    max_tokens: int | None = None,
    threads: int | None = None,
    probe_timeout: float = 3.0,
) -> Embedder:
    """Load the configured embedding model, or a lexical-only embedder saying why not.

    `model_path` (a local FastEmbed/ONNX folder) wins; `model` then names the architecture the
    folder holds (default all-MiniLM-L6-v2). Without a folder, `model` (default all-MiniLM-L6-v2)
    is loaded from the FastEmbed cache (`cache_dir`, else FASTEMBED_CACHE_PATH, else the temp
    dir), or downloaded if the hub answers within `probe_timeout` seconds.
    `max_tokens` truncates inputs (default: the length the model was trained on, where known).
    """
    started = time.perf_counter()
    name = model or DEFAULT_MODEL
    try:
        from fastembed import TextEmbedding
    except ImportError as exc:
        return _fallback(f"FastEmbed is not installed ({exc}). {_HOW_TO_FIX}", name, started)

    description = _describe(TextEmbedding, name)
    if description is None:
        return _fallback(
            f"{name!r} is not a model FastEmbed knows (see "
            "fastembed.TextEmbedding.list_supported_models()). " + _HOW_TO_FIX,
            name,
            started,
        )
    name = description["model"]
    options: dict[str, Any] = {"threads": threads}
    if cache_dir is not None:
        options["cache_dir"] = str(cache_dir)

    if model_path is not None:
        folder = Path(model_path)
        return _load_folder(TextEmbedding, description, folder, options, max_tokens, started)

    cache = _cache_root(cache_dir)
    if _is_cached(description, cache):
        try:
            loaded = TextEmbedding(name, local_files_only=True, **options)
            return _ready(loaded, name, f"cache {cache}", max_tokens, started)
        except Exception as exc:  # a broken cache entry: try the hub below
            log.info("Embedding model %s is in %s but did not load: %s", name, cache, exc)

    if os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "TRUE", "YES", "ON"}:
        return _fallback(
            f"Embedding model {name!r} is not in the FastEmbed cache ({cache}) and HF_HUB_OFFLINE "
            f"forbids downloading it. {_HOW_TO_FIX}",
            name,
            started,
        )

    hub_url = _download_url(description)
    reachable, problem = _reachable(hub_url, probe_timeout)
    if not reachable:
        return _fallback(
            f"Embedding model {name!r} is not in the FastEmbed cache ({cache}) and the model hub "
            f"is unreachable ({problem}). {_HOW_TO_FIX}",
            name,
            started,
        )
    log.info("Downloading embedding model %s into %s", name, cache)
    try:
        loaded = TextEmbedding(name, **options)
        return _ready(loaded, name, f"cache {cache}", max_tokens, started)
    except Exception as exc:
        return _fallback(
            f"Embedding model {name!r} could not be downloaded and loaded: {exc}. {_HOW_TO_FIX}",
            name,
            started,
        )


def _load_folder(
    text_embedding: Any,
    description: dict[str, Any],
    folder: Path,
    options: dict[str, Any],
    max_tokens: int | None,
    started: float,
) -> Embedder:
    name = description["model"]
    needed = [description["model_file"], "tokenizer.json", "tokenizer_config.json"]
    if not folder.is_dir():
        problem = "it is not a folder"
    else:
        missing = [file for file in needed if not (folder / file).is_file()]
        problem = f"it lacks {', '.join(missing)}" if missing else ""
    if problem:
        return _fallback(
            f"STUDYHALL_EMBEDDING_MODEL_PATH={folder} cannot be loaded as {name}: {problem}. "
            f"The folder must hold the ONNX model of STUDYHALL_EMBEDDING_MODEL (default "
            f"{DEFAULT_MODEL}) with its tokenizer files. {_HOW_TO_FIX}",
            name,
            started,
        )
    try:
        loaded = text_embedding(name, specific_model_path=str(folder), **options)
        return _ready(loaded, name, str(folder), max_tokens, started)
    except Exception as exc:
        return _fallback(
            f"STUDYHALL_EMBEDDING_MODEL_PATH={folder} did not load as {name}: {exc}. {_HOW_TO_FIX}",
            name,
            started,
        )


def _ready(loaded: Any, name: str, source: str, max_tokens: int | None, started: float) -> FastEmbedEmbedder:
    if max_tokens is None:
        max_tokens = _TRAINED_MAX_TOKENS.get(name.lower())
    embedder = FastEmbedEmbedder(loaded, name, source=source, max_tokens=max_tokens)
    log.info(
        "Embedding model %s (%d dimensions) loaded from %s in %.2f s",
        name,
        embedder.dim,
        source,
        time.perf_counter() - started,
    )
    return embedder


def _fallback(reason: str, requested: str, started: float) -> LexicalOnlyEmbedder:
    # The detail is for `-v` and `studyhall doctor`; the library says it in one line (NO_MODEL).
    log.info("No embedding model (decided in %.2f s): %s", time.perf_counter() - started, reason)
    return LexicalOnlyEmbedder(reason, requested=requested)


def _describe(text_embedding: Any, name: str) -> dict[str, Any] | None:
    for description in text_embedding.list_supported_models():
        if description["model"].lower() == name.lower():
            return description
    return None


def _cache_root(cache_dir: Path | None) -> Path:
    """The folder FastEmbed caches models in (its own rule: FASTEMBED_CACHE_PATH, else tmp)."""
    if cache_dir is not None:
        return Path(cache_dir)
    try:
        from fastembed.common.utils import define_cache_dir

        return Path(define_cache_dir(None))
    except (ImportError, OSError):
        default = Path(tempfile.gettempdir()) / "fastembed_cache"
        return Path(os.environ.get("FASTEMBED_CACHE_PATH", default))


def _is_cached(description: dict[str, Any], cache: Path) -> bool:
    """Whether FastEmbed's cache seems to hold the model, so a local-only load is worth a try.

    Checked here rather than by letting FastEmbed try, which logs errors for a plain cache miss.
    """
    if not cache.is_dir():
        return False
    model_file = description["model_file"]
    wanted: set[str] = set()
    hf_source = (description.get("sources") or {}).get("hf")
    if hf_source:
        wanted.add("models--" + hf_source.replace("/", "--").lower())
    short = description["model"].split("/")[-1].lower()
    wanted.update({short, f"fast-{short}"})  # copies made by older FastEmbed versions
    try:
        entries = [entry for entry in cache.iterdir() if entry.name.lower() in wanted]
    except OSError:
        return False
    for entry in entries:
        if entry.name.startswith("models--"):
            if any(entry.glob(f"snapshots/*/{model_file}")):
                return True
        elif (entry / model_file).is_file():
            return True
    return False


def _download_url(description: dict[str, Any]) -> str:
    sources = description.get("sources") or {}
    if sources.get("hf"):
        try:
            from huggingface_hub import constants

            endpoint = constants.ENDPOINT
        except ImportError:
            endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
        return f"{endpoint.rstrip('/')}/api/models/{sources['hf']}"
    return str(sources.get("url") or "https://huggingface.co")


def _reachable(url: str, timeout: float) -> tuple[bool, str]:
    """Whether `url` answers over HTTP within `timeout` seconds, DNS lookup included.

    The probe runs in a daemon thread joined with the timeout, because a socket timeout does not
    bound name resolution. Any HTTP answer, an error status included, counts as reachable.
    """
    outcome: list[tuple[bool, str]] = []

    def probe() -> None:
        request = urllib.request.Request(url, method="HEAD")
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                outcome.append((True, ""))
        except urllib.error.HTTPError:
            outcome.append((True, ""))
        except Exception as exc:
            outcome.append((False, f"{url}: {_short_error(exc)}"))

    worker = threading.Thread(target=probe, name="studyhall-hub-probe", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return False, f"{url}: no answer within {timeout:g} s"
    return outcome[0]


def _short_error(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason if reason is not None else exc) or type(exc).__name__


def _limit_tokens(model: Any, max_tokens: int | None) -> int | None:
    """Truncate the model's inputs to `max_tokens` word pieces; return the limit in force."""
    tokenizer = getattr(getattr(model, "model", None), "tokenizer", None)
    if tokenizer is None:
        return max_tokens
    current = tokenizer.truncation or {}
    limit = current.get("max_length")
    if max_tokens is not None and (limit is None or max_tokens < limit):
        tokenizer.enable_truncation(
            max_length=max_tokens,
            direction=current.get("direction", "right"),
            strategy=current.get("strategy", "longest_first"),
            stride=current.get("stride", 0),
        )
        limit = max_tokens
    return limit


__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "EmbeddingsUnavailable",
    "FastEmbedEmbedder",
    "LexicalOnlyEmbedder",
    "load_embedder",
]
