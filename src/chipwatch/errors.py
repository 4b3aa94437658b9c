"""User-facing errors: one clear line, no traceback."""


class ChipwatchError(Exception):
    """A mistake in the user's input (file, option, data). The CLI prints it on one line."""


class BuildError(ChipwatchError):
    """Datasets (or an import) have problems; nothing was written. `problems` lists them."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dataset; the store was not changed")
