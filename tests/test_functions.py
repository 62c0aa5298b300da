"""gradexplain --functions: the primitives table, read from the table itself."""

from gradexplain.engine.primitives import PRIMITIVES
from gradexplain.render.functions import render_functions


def test_every_primitive_is_listed_with_its_local_derivative_domain_and_kink():
    text = render_functions()
    for primitive in PRIMITIVES:
        assert primitive.template().format(*primitive.arguments) in text
        assert primitive.domain in text
        if primitive.kink:
            assert primitive.kink in text
    assert "atan(x)   ∂/∂x = 1/(x**2 + 1)" in text
    assert "leaky_relu(x, a), or leaky_relu(x) with a = 0.01" in text
    assert "∂/∂lo = step(lo - x)" in text
    assert "step(x) is 1 for x > 0 and 0 for x ≤ 0" in text


def test_the_listing_is_the_same_on_every_run():
    assert render_functions() == render_functions()
