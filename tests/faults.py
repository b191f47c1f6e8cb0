"""Faults to inject into file writing: what a full disk does to a write."""

from __future__ import annotations

import errno
import os
from typing import Any, Callable


def disk_full(real_fdopen: Callable[..., Any]) -> Callable[..., Any]:
    """os.fdopen whose file takes a few bytes, then fails as a full disk does."""

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, *args, **kwargs)

        class Full:
            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: Any) -> None:
                handle.close()

            def write(self, data: bytes) -> int:
                handle.write(data[:3])  # a little gets written, then the disk is full
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        return Full()

    return fdopen
