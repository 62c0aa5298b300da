"""Local derivative formulas written directly are SymPy's own, form for form, so the output does
not change; and a graph of primitive nodes is compiled without sympy.diff."""

import itertools

import pytest
import sympy as sp

from gradexplain import explain
from gradexplain.engine import kernels as kernels_module
from gradexplain.engine.kernels import local_derivatives
from gradexplain.engine.primitives import PRIMITIVES
from gradexplain.graph import slot

CONSTANTS = (
    sp.Integer(0),
    sp.Integer(1),
    sp.Integer(-1),
    sp.Integer(2),
    sp.Integer(-3),
    sp.Rational(1, 2),
    sp.Rational(-1, 2),
    sp.Rational(3, 2),
    sp.Rational(1, 3),
    sp.Float(0.3, 17),
    sp.pi,
    sp.E,
    sp.sqrt(2),
    -sp.pi / 4,
    sp.sin(1),
)


def _operand_lists(arity: int):
    a, b = slot(0), slot(1)
    if arity == 1:
        yield (a,)
        return
    yield (a, b)
    for constant in CONSTANTS:
        yield (a, constant)
        yield (constant, a)


def _compare(template: sp.Expr) -> None:
    slots = tuple(sorted(template.free_symbols, key=lambda s: s.name))
    try:
        expected = tuple(sp.diff(template, s) for s in slots)
    except (ValueError, TypeError):  # SymPy cannot differentiate it either
        return
    written = local_derivatives(template, slots)
    assert written == expected, template
    assert [str(d) for d in written] == [str(d) for d in expected], template


@pytest.mark.parametrize("primitive", PRIMITIVES, ids=lambda p: p.name)
def test_every_primitive_on_arguments_and_constants_gets_sympys_derivative(primitive):
    for operands in _operand_lists(primitive.arity):
        try:
            template = primitive.symbolic(*operands)
        except (ValueError, TypeError, ZeroDivisionError):
            continue
        _compare(template)


def test_shapes_of_assignments_get_sympys_derivatives():
    a, b, c = slot(0), slot(1), slot(2)
    shapes = [
        a * b * c,
        a + b - c,
        2 * a**2 * b,
        a / b / c,
        -a * b / 3,
        (a - b) ** 2 / 2,
        sp.exp(-a) * b,
        a**b,
        sp.Max(a, b, c),
        sp.log(a * b),
        a * sp.sin(b) + sp.cos(a) * c,
        sp.sqrt(a) / (1 + sp.exp(-b)),
    ]
    for first, second in itertools.product(PRIMITIVES, repeat=2):
        if first.arity == 1 and second.arity == 2:
            shapes.append(first.symbolic(second.symbolic(a, b)))
    for template in shapes:
        _compare(template)


def test_a_graph_of_primitive_nodes_is_compiled_without_sympy_diff(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("sympy.diff was called")

    expected = explain("0.5*(w*x+b-y)**2 + exp(w)/x - max(b, y)*sigmoid(w)", {"w": 2, "x": -2, "b": 8, "y": 2})
    monkeypatch.setattr(kernels_module.sp, "diff", refuse)
    from gradexplain.engine.kernels import compile_kernels
    from gradexplain.graph import Graph

    graph: Graph = expected.graph
    for kernel in compile_kernels(graph):
        if kernel is not None:
            assert kernel.derivatives is not None
