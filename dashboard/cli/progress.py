"""A progress bar on stderr for long commands: count, rate and, when known, the total."""

from __future__ import annotations

import sys

from tqdm import tqdm


class Bar:
    def __init__(self, what: str, unit: str = " msg") -> None:
        # disable=None: no bar when stderr is not a terminal (logs, pipes, tests)
        self._bar = tqdm(desc=what, unit=unit, file=sys.stderr, dynamic_ncols=True, disable=None)

    def set(self, done: int, total: int | None = None) -> None:
        if total is not None and self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._bar.close()
