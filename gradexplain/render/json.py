"""JSON: Explanation.to_dict() as text, keys in a fixed order, UTF-8 kept readable."""

from __future__ import annotations

import json

from gradexplain.explain import Explanation
from gradexplain.render.report import RenderOptions


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    return json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False) + "\n"
