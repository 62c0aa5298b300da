"""JSON: Explanation.to_dict() as text, keys in a fixed order, UTF-8 kept readable.

Laid out one record per line: each top-level key on its own line, and each element of a list
or entry of a map on its own line, written compactly. As easy to read and diff as full
indentation, and several times faster to write for a 100,000-node graph (each line goes
through the json module's C encoder, which full indentation would bypass).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _value(value: Any) -> str:
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join("    " + _compact(item) for item in value) + "\n  ]"
    if isinstance(value, dict) and value:
        entries = (f"    {_compact(key)}: {_compact(item)}" for key, item in value.items())
        return "{\n" + ",\n".join(entries) + "\n  }"
    return _compact(value)


def dumps(document: dict[str, Any]) -> str:
    """The document as text: valid JSON, one record per line."""
    lines = (f"  {_compact(key)}: {_value(value)}" for key, value in document.items())
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    return dumps(explanation.to_dict())
