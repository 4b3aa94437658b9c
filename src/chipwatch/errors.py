"""User-facing errors: one clear line, no traceback."""


class ChipwatchError(Exception):
    """A mistake in the user's input (file, option, data). The CLI prints it on one line."""
