"""Bounds shared by the CLI's flags, the library's settings and suite.toml (a light module:
the CLI imports it before anything heavy)."""

MAX_REASKS = 10  # validation re-asks per call
MAX_ATTEMPTS = 21  # transport: a first try and up to 20 retries
MAX_CONCURRENCY = 64  # eval: cases in flight at once
MAX_ARTICLE_BYTES = 50 * 1024 * 1024  # an input file: a saved page, images inlined, is well under this


def whole_in(value: object, low: int, high: int) -> bool:
    """``value`` is a whole number (an int, not a bool) from ``low`` to ``high``."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def number_in(value: object, low: float, high: float) -> bool:
    """``value`` is a number (an int or float, not a bool) from ``low`` to ``high``."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
