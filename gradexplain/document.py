"""Explanation → the JSON document (schema in README, "JSON output"), keys in a fixed order."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from gradexplain.backward import EdgeStep, SumStep
from gradexplain.check import Check
from gradexplain.numbers import Number, json_number, json_pair, put_number

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation
    from gradexplain.teach.claims import Claim

SCHEMA_VERSION = 1
# The views (gradexplain.views): null unless asked for.
VIEW_KEYS = ("plot", "sweep", "forward_mode", "descent")


def _number_map(pairs: list[tuple[str, Number]]) -> tuple[dict[str, Any], dict[str, str]]:
    numbers: dict[str, Any] = {}
    exact: dict[str, str] = {}
    for name, value in pairs:
        numbers[name], text = json_pair(value)
        if text is not None:
            exact[name] = text
    return numbers, exact


def document(explanation: Explanation) -> dict[str, Any]:
    """The JSON document of an explanation: numbers as JSON numbers, exact forms beside them."""
    graph = explanation.graph
    nodes = graph.nodes
    name = [node.name for node in nodes]
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "source": graph.source}
    output: dict[str, Any] = {"name": explanation.output.name}
    put_number(output, "value", explanation.output_value)
    document["output"] = output
    document["inputs"], document["inputs_exact"] = _number_map(
        [(node.name, explanation.values[node.index]) for node in graph.inputs]
    )
    document["nodes"] = []
    for node in nodes:
        if node.is_input:
            continue
        entry: dict[str, Any] = {
            "name": node.name,
            "operation": node.operation,
            "definition": graph.definition(node),
            "arguments": [name[arg] for arg in node.args],
        }
        put_number(entry, "value", explanation.values[node.index])
        put_number(entry, "gradient", explanation.node_gradients[node.index])
        document["nodes"].append(entry)
    document["backward"] = []
    document["sums"] = []
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            edge: dict[str, Any] = {
                "gradient_of": name[step.arg],
                "via": name[step.node],
                "argument": step.slot + 1,
                "local_derivative": step.local_formula,
            }
            put_number(edge, "local_value", step.local_value)
            put_number(edge, "upstream", step.upstream)
            put_number(edge, "product", step.product)
            edge["path"], edge["paths"] = step.path, step.paths
            document["backward"].append(edge)
        elif isinstance(step, SumStep):
            total: dict[str, Any] = {"name": name[step.node], "terms": [json_number(t) for t in step.terms]}
            put_number(total, "total", step.total)
            document["sums"].append(total)
    document["gradients"], document["gradients_exact"] = _number_map(list(explanation.gradients.items()))
    symbolic = explanation.symbolic
    if symbolic.skipped is None:
        document["symbolic_gradients"] = {name[g.input]: g.formula for g in symbolic.gradients}
        document["symbolic_agrees"] = {name[g.input]: g.agrees for g in symbolic.gradients}
    else:
        document["symbolic_gradients"] = None
        document["symbolic_agrees"] = None
    document["symbolic_note"] = symbolic.skipped
    document["checks"] = None if explanation.checks is None else [_check_dict(c, name) for c in explanation.checks]
    document["claims"] = (
        None if explanation.claims is None else [_claim_dict(c, explanation) for c in explanation.claims]
    )
    document["notes"] = [{"node": name[note.node], "text": note.text} for note in explanation.notes]
    document["ok"] = explanation.ok
    if explanation.views is None:  # the views' modules are loaded only when a view was asked for
        document.update(dict.fromkeys(VIEW_KEYS))
    else:
        from gradexplain.views.in_json import views_document

        document.update(views_document(explanation))
    if explanation.cost is not None:  # only with --cost: its times vary from run to run
        cost = explanation.cost
        document["cost"] = {
            "computed_nodes": cost.computed,
            "inputs": cost.inputs,
            "backprop_steps": cost.steps,
            "nudge_evaluations": cost.nudge_evaluations,
            "backward_seconds": cost.backward_seconds,
            "forward_seconds": cost.forward_seconds,
            "nudge_seconds": cost.nudge_seconds,
        }
    return document


def _check_dict(check: Check, name: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"input": name[check.input], "method": check.method}
    for key in ("eps", "value", "nudged_value", "output", "nudged_output", "lower_output", "estimate", "gradient"):
        put_number(entry, key, getattr(check, key))
    put_number(entry, "difference", check.difference)
    entry["tolerance"] = float(min(check.tolerance, sys.float_info.max))
    entry["ok"] = check.ok
    entry["verdict"] = check.verdict
    entry["problem"] = check.problem
    return entry


def _claim_dict(claim: Claim, explanation: Explanation) -> dict[str, Any]:
    """One claim: exactly the fields the README's schema lists."""
    from gradexplain.render.claims import json_diagnosis

    graph = explanation.graph
    return {
        "claim": claim.text,
        "of": explanation.output.name,
        "wrt": graph.nodes[claim.node].name,
        "kind": claim.kind,
        "ok": claim.ok,
        "claimed_value": None if claim.claimed is None else json_number(claim.claimed),
        "true_value": json_number(claim.truth),
        "true_formula": claim.truth_formula,
        "counterexample": None
        if claim.counterexample is None
        else {graph.nodes[index].name: json_number(value) for index, value in claim.counterexample},
        "diagnosis": json_diagnosis(claim, graph),
    }
