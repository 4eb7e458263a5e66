"""Management-command output as a plain stream, for progress bars (``tqdm``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import OutputWrapper


class ProgressStream:
    """A command's ``self.stdout``/``self.stderr`` seen as a file: writes pass through
    unstyled and without the wrapper's added line ending (a progress bar redraws its line
    with ``\\r``); anything else (``isatty``, ``encoding``) is the wrapped stream's."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=lambda s: s, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapper, name)
