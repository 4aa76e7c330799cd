"""Structured log lines: one JSON object per request and per job run.

`log_event` writes its fields as the record's message (a JSON object) and keeps them on the
record; with LOG_FORMAT=json (the default in production) every line, these and the others,
is one JSON object: {"ts", "level", "logger", "msg" | the event's fields}.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any


def log_event(logger: str, event: str, level: int = logging.INFO, **fields: Any) -> None:
    record = {"event": event, **fields}
    logging.getLogger(logger).log(level, json.dumps(record, ensure_ascii=False, default=str),
                                  extra={"ghurfa_event": record})


class JsonFormatter(logging.Formatter):
    """Each record as one JSON line; an event's fields are merged in, other messages go in `msg`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        event = getattr(record, "ghurfa_event", None)
        if event is not None:
            line.update(event)
        else:
            line["msg"] = record.getMessage()
            if record.exc_info:
                line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(log_format: str) -> None:
    """Root logging once per process: JSON lines or the readable text format."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_format == "json":
        for handler in root.handlers:
            if not isinstance(handler.formatter, JsonFormatter) and type(handler) is logging.StreamHandler:
                handler.setFormatter(JsonFormatter())
    logging.getLogger("ghurfa").setLevel(logging.INFO)
    # pyHanko logs every refusal of an uploaded PDF's signature with its traceback: those are the
    # public check's ordinary answers (signature_check.py says what it found), not errors to alert on.
    for name in ("pyhanko.sign.validation", "pyhanko.sign.diff_analysis", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
