"""Shared fixtures for the operations tests."""

from __future__ import annotations

import io
import json
import logging

import pytest

from config.structured_logging import json_handler


class LogCapture:
    """Everything logged, through production's JSON formatter, parsed back."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = json_handler(self.stream)

    def __call__(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def clear(self) -> None:
        self.stream.seek(0)
        self.stream.truncate()


@pytest.fixture
def log_lines():
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture.handler)
    try:
        yield capture
    finally:
        root.removeHandler(capture.handler)
