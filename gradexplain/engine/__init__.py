"""The engine: the primitives, the number systems, the tapes and the one interpreter that runs them.

primitives.py       the table: one row per primitive, everything about it (values, partials, domain,
                    kinks, printing, the lab page's JavaScript); `gradexplain --functions` prints it
rows.py             what a row is, and the rules several rows share
sympy_functions.py  the SymPy functions SymPy lacks (relu, sigmoid, softplus, …) and `step`
arithmetic.py       the honest arithmetic every system shares: settle, to_float, Underflow, powers
systems.py          the number systems: Exact (Fractions, then doubles), Double, Precise (mpmath)
tape.py             a node's formula as written: Instruction, Recipe
interpreter.py      forward, backward and re-runs of a graph, in any number system
formula_values.py   SymPy's formulas at a point, through the same rows (the symbolic check)
kernels.py          each node shape's SymPy template and local derivatives, for show
"""
