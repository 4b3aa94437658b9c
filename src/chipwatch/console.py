"""The CLIs' two consoles (stdout, stderr) and tables, through rich — loaded on first use,
so a command that prints JSON does not pay for it."""

import sys
from typing import Any


class _Console:
    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console = None

    @property
    def rich(self):
        """The rich Console itself (for a Progress, say)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(soft_wrap=True, **self._options)
        return self._console

    def line(self, text: str) -> None:
        """One line as it is (no markup, no highlighting, no rich to load)."""
        stream = sys.stderr if self._options.get("stderr") else sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)


out = _Console()
err = _Console(stderr=True)


def table(*columns: str, **options: Any):
    """A rich Table with these column headers."""
    from rich.table import Table

    return Table(*columns, **options)
