"""The `summarizer` command and `python -m summarizer`.

The command-line module is imported here, inside the interrupt handling, so a Ctrl-C
while click and rich load (the first ~0.1 s) is the same one-line interrupt as later.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        from .errors import EXIT_INTERRUPTED

        sys.stderr.write("error: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run()


if __name__ == "__main__":
    main()
