"""The input language: tokens → Program (statements of expression trees, every piece with its span).

An operator-precedence (shunting-yard) parser with explicit stacks:
nothing here recurses per operand, so a flat sum of 100,000 terms parses, and nothing is ever
handed to `eval`, `exec` or `sympify`. Grammar, loosely:

    program    := statement ((";" | newline) statement)*
    statement  := NAME "=" expr | expr
    expr       := expr ("+" | "-") term | term          (left-associative)
    term       := term ("*" | "/") unary | unary
    unary      := ("-" | "+") unary | power
    power      := atom ("**" | "^") unary | atom        (right-associative, like Python)
    atom       := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from gradexplain.engine.primitives import ALIASES, BY_NAME, CONSTANTS, FUNCTION_NAMES, SHADOWABLE, function_named
from gradexplain.errors import ParseError, Span, brief
from gradexplain.tokens import STATEMENT_HINTS, Token, statement_error, tokenize

# ── syntax tree ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Num:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "+"
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # "+", "-", "*", "/", "**" ("^" is read as "**")
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Expr, ...]
    span: Span
    spelled: str = ""  # how Python code spelled it, read as the primitive: "math.exp", ".relu()"


Expr = Num | Name | Unary | Binary | Call


@dataclass(frozen=True, slots=True)
class Statement:
    target: str | None  # None for a bare expression
    target_span: Span | None
    expr: Expr  # the right-hand side; its span is where the statement's value is written


@dataclass(frozen=True, slots=True)
class Program:
    text: str
    statements: tuple[Statement, ...]

    @property
    def is_bare_expression(self) -> bool:
        return len(self.statements) == 1 and self.statements[0].target is None


# ── parser ─────────────────────────────────────────────────────────────────────────────────

_BINARY_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4, "^": 4}
_UNARY_PRECEDENCE = 3


@dataclass(slots=True)
class _Frame:
    """An open parenthesis or function call on the operator stack."""

    kind: str  # "paren" or "call"
    token: Token
    operand_depth: int  # operand stack height when it opened
    function: str | None = None
    start: int = 0  # where the call's function name starts
    spelled: str = ""  # the module's prefix and the name as written (math.exp), when there is one


DEFAULT_MAX_DEPTH = 100


def parse(text: str, max_depth: int = DEFAULT_MAX_DEPTH) -> Program:
    """Parse a bare expression or a program of assignments, nested at most `max_depth` deep.

    A line that is one simple assignment (`w = 2`, `p = w*x`, `h = tanh(z)`: most lines of a
    lecture's program or an unrolled network) is read by one regular expression; every other
    stretch of lines goes through the tokenizer and the general parser. Both give the same trees
    (tests/test_syntax.py compares them)."""
    statements: list[Statement] = []
    chunk = -1  # where the lines waiting for the general parser begin, -1 when none wait
    depth = 0  # parentheses they leave open: a line after them continues their statement
    for line in _LINE_BREAK.finditer(text):
        start, end = line.span(1)
        simple = _simple_line(text, start, end) if depth <= 0 else None
        if simple is None:
            chunk = start if chunk < 0 else chunk
            depth += _open_parentheses(text, start, end)
            continue
        if chunk >= 0:
            statements += _statements(tokenize(text, chunk, start), max_depth)
            chunk, depth = -1, 0
        statements.append(simple)
    if chunk >= 0:
        statements += _statements(tokenize(text, chunk, len(text)), max_depth)
    if not statements:
        raise ParseError(
            "the formula is empty",
            span=Span(0, len(text)),
            hint='type a formula such as "w*x + b", or a program such as "w = 2; J = w**2"',
        )
    for statement in statements[:-1]:
        if statement.target is None:
            raise ParseError(
                "only the last line may be a bare expression",
                span=statement.expr.span,
                hint="give this line a name, as in  name = formula",
            )
    return Program(text=text, statements=tuple(statements))


def _statements(tokens: list[Token], max_depth: int) -> list[Statement]:
    """The statements of a stretch of tokens."""
    statements: list[Statement] = []
    position = 0
    while tokens[position].kind != "END":
        if tokens[position].kind == "SEP":
            position += 1
            continue
        target: Token | None = None
        first = tokens[position]
        if first.kind == "NAME" and first.text in STATEMENT_HINTS and tokens[position + 1].kind != "ASSIGN":
            raise statement_error(first)
        if first.kind == "NAME" and tokens[position + 1].kind == "OP" and tokens[position + 2].kind == "ASSIGN":
            operator = tokens[position + 1]
            if operator.span.end == tokens[position + 2].span.start:  # J += w
                raise ParseError(
                    f"augmented assignment '{operator.text}=' is not part of the language",
                    span=Span(operator.span.start, tokens[position + 2].span.end),
                    hint=f"write it with a new name: {first.text}2 = {first.text} {operator.text} …",
                )
        if tokens[position].kind == "NAME" and tokens[position + 1].kind == "ASSIGN":
            target = tokens[position]
            _check_target(target.text, target.span)
            position += 2
        expr, position = _expression(tokens, position, max_depth)
        end = tokens[position]
        if end.kind not in ("SEP", "END"):
            raise _unexpected(end, after_operand=True, tokens=tokens, position=position)
        statements.append(
            Statement(
                target=target.text if target else None,
                target_span=target.span if target else None,
                expr=expr,
            )
        )
    return statements


# Every line with its end: a line break ends a statement, as a SEP token does.
_LINE_BREAK = re.compile(r"([^\r\n]*)(?:\r\n?|\n|$)")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_SIMPLE_LINE = re.compile(
    rf"[ \t]*(?P<target>{_NAME})[ \t]*=[ \t]*(?:"
    rf"(?P<minus>-[ \t]*)?(?P<number>{_NUMBER})"
    rf"|(?P<left>{_NAME})[ \t]*(?P<op>\*\*|[-+*/^])[ \t]*(?P<right>{_NAME})"
    rf"|(?P<chain>{_NAME}(?:[ \t]*[-+][ \t]*{_NAME}){{2,}})"
    rf"|(?P<function>{_NAME})\([ \t]*(?P<argument>{_NAME})[ \t]*(?P<close>\))"
    rf"|(?P<name>{_NAME})"
    rf")[ \t]*"
)
_RESERVED = frozenset(CONSTANTS) - frozenset(SHADOWABLE)


def _simple_line(text: str, start: int, end: int) -> Statement | None:
    """The statement of a line that is one simple assignment, or None (the general parser then
    reads it, and says what is wrong with it if anything is)."""
    line = _SIMPLE_LINE.fullmatch(text, start, end)
    if line is None:
        return None
    target = line["target"]
    if function_named(target) is not None or target in _RESERVED or _dunder(target):
        return None
    expr: Expr
    if line["number"] is not None:
        expr = Num(line["number"], Span(*line.span("number")))
        if line["minus"] is not None:
            expr = Unary("-", expr, Span(line.start("minus"), expr.span.end))
    elif line["op"] is not None:
        left, right = line["left"], line["right"]
        if any(function_named(name) is not None or _dunder(name) for name in (left, right)):
            return None
        left_expr, right_expr = Name(left, Span(*line.span("left"))), Name(right, Span(*line.span("right")))
        op = "**" if line["op"] == "^" else line["op"]
        expr = Binary(op, left_expr, right_expr, Span(left_expr.span.start, right_expr.span.end))
    elif line["chain"] is not None:  # a + b - c + …: the sum of an unrolled layer
        chained = _chain(text, line.start("chain"), line.end("chain"))
        if chained is None:
            return None
        expr = chained
    elif line["function"] is not None:
        function, argument = function_named(line["function"]), line["argument"]
        if function is None or BY_NAME[function].fewest != 1 or function_named(argument) is not None:
            return None
        if _dunder(argument):
            return None
        span = Span(line.start("function"), line.end("close"))
        expr = Call(function, (Name(argument, Span(*line.span("argument"))),), span)
    else:
        name = line["name"]
        if function_named(name) is not None or _dunder(name):
            return None
        expr = Name(name, Span(*line.span("name")))
    return Statement(target=target, target_span=Span(*line.span("target")), expr=expr)


_TERM = re.compile(rf"[ \t]*([-+]?)[ \t]*({_NAME})")


def _chain(text: str, start: int, end: int) -> Expr | None:
    """`a + b - c + …` as the left-leaning tree the general parser makes, or None when a term is
    a function's name (the general parser says what is wrong with it)."""
    expr: Expr | None = None
    for term in _TERM.finditer(text, start, end):
        name = term[2]
        if function_named(name) is not None or _dunder(name):
            return None
        operand = Name(name, Span(*term.span(2)))
        expr = operand if expr is None else Binary(term[1], expr, operand, Span(expr.span.start, operand.span.end))
    return expr


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _open_parentheses(text: str, start: int, end: int) -> int:
    """How many more parentheses a line opens than it closes, its comment aside."""
    comment = text.find("#", start, end)
    stop = end if comment < 0 else comment
    return text.count("(", start, stop) - text.count(")", start, stop)


def parse_expression(text: str) -> Expr:
    """Parse exactly one expression (used for values such as "1/3" or "2*pi")."""
    tokens = tokenize(text)
    if tokens[0].kind == "END":
        raise ParseError("the value is empty", span=Span(0, len(text)), hint="give a number such as 2, -0.5 or 1/3")
    expr, position = _expression(tokens, 0, DEFAULT_MAX_DEPTH)
    if tokens[position].kind != "END":
        raise _unexpected(tokens[position], after_operand=True, tokens=tokens, position=position)
    return expr


def parse_equation(text: str, max_depth: int = DEFAULT_MAX_DEPTH) -> tuple[list[Token], Token, Expr]:
    """Parse `left = expression` (a claim such as `dJ/dw = x*d`): the tokens of the left side,
    for the caller to read, the `=`, and the right side's syntax tree. Spans index `text`."""
    tokens = tokenize(text)
    equals = next((position for position, token in enumerate(tokens) if token.kind == "ASSIGN"), None)
    if equals is None:
        raise ParseError(
            "a claim needs an '=' between the gradient and its value",
            span=Span(0, len(text)),
            hint="write it as  dJ/dw = x*(w*x + b - y)",
        )
    if equals == 0:
        raise ParseError("'=' needs a gradient before it", span=tokens[0].span, hint="write it as  dJ/dw = formula")
    if tokens[equals + 1].kind == "END":
        raise ParseError(
            "nothing after '='", span=tokens[equals].span, hint="give the gradient's value: a number or a formula"
        )
    expr, position = _expression(tokens, equals + 1, max_depth)
    if tokens[position].kind != "END":
        end = tokens[position]
        if end.kind == "SEP":
            raise ParseError(
                f"{_describe(end)} inside a claim",
                span=end.span,
                hint="write one claim per line (or per --claim)",
            )
        raise _unexpected(end, after_operand=True, tokens=tokens, position=position)
    return tokens[:equals], tokens[equals], expr


def python_spellings(program: Program) -> list[tuple[str | None, str]]:
    """Each statement's calls spelled as Python code spells them (math.exp(…), x.relu()), as
    (the statement's target, a sentence saying how it is read), once per spelling and statement."""
    found: dict[tuple[str | None, str], None] = {}
    for statement in program.statements:
        for expr, _ in post_order(statement.expr):
            if isinstance(expr, Call) and expr.spelled:
                if expr.spelled.startswith("."):
                    operand = brief(program.text[expr.args[0].span.start : expr.args[0].span.end], 30)
                    inner = operand[1:-1] if _one_group(operand) else operand
                    said = f"{operand}{expr.spelled} is read as {expr.function}({inner})"
                else:
                    said = f"{expr.spelled}(…) is read as {expr.function}(…)"
                found.setdefault((statement.target, said))
    return list(found)


def _one_group(text: str) -> bool:
    """Whether the text is one parenthesised group, `(w*x + b)` (not `(a).tanh()` or `(a)*(b)`)."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and position < len(text) - 1:
            return False
    return True


def children(expr: Expr) -> tuple[Expr, ...]:
    """The subtrees directly below `expr`, left to right."""
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, Call):
        return expr.args
    return ()


def post_order(root: Expr) -> Iterator[tuple[Expr, tuple[Expr, ...]]]:
    """Every subtree of `root` after its children, with its children: iteratively, since a sum
    of 100,000 terms is a tree 100,000 deep."""
    stack: list[tuple[Expr, bool]] = [(root, False)]
    while stack:
        expr, ready = stack.pop()
        below = children(expr)
        if below and not ready:
            stack.append((expr, True))
            stack.extend((child, False) for child in reversed(below))
            continue
        yield expr, below


def _check_target(name: str, span: Span) -> None:
    if function_named(name):
        raise ParseError(f"{name} is a function and cannot be assigned to", span=span, hint="choose another name")
    if name in CONSTANTS and name not in SHADOWABLE:
        raise ParseError(f"{name} is a constant and cannot be assigned to", span=span, hint="choose another name")


def _expression(tokens: list[Token], position: int, max_depth: int) -> tuple[Expr, int]:
    """Shunting-yard over tokens[position:] up to a separator or the end; returns (tree, position).

    The operator stack holds exactly what a recursive parser would hold on its call stack (open
    parentheses, calls, pending ** and unary minus), so its height is the nesting depth."""
    operands: list[Expr] = []
    operators: list[Token | _Frame] = []  # pending operators (kind "UNARY" for unary - and +)
    expect_operand = True

    def reduce_top() -> None:
        token = operators.pop()
        assert isinstance(token, Token)
        if token.kind == "UNARY":
            operand = operands.pop()
            operands.append(Unary(token.text, operand, Span(token.span.start, operand.span.end)))
        else:
            right = operands.pop()
            left = operands.pop()
            op = "**" if token.text == "^" else token.text
            operands.append(Binary(op, left, right, Span(left.span.start, right.span.end)))

    def precedence(item: Token | _Frame) -> int:
        if isinstance(item, _Frame):
            return -1
        return _UNARY_PRECEDENCE if item.kind == "UNARY" else _BINARY_PRECEDENCE[item.text]

    while True:
        token = tokens[position]
        if len(operators) > max_depth:
            raise ParseError(
                f"the formula nests deeper than {max_depth} levels",
                span=tokens[position - 1].span,
                hint=f"split it into assignments, or raise the limit with --limit depth=N (now {max_depth})",
            )
        if expect_operand:
            if token.kind == "NUMBER":
                operands.append(Num(token.text, token.span))
                expect_operand = False
            elif token.kind == "NAME":
                start, position = token.span.start, _past_module(tokens, position)  # math.exp( is exp(
                spelled = f"{token.text}.{tokens[position].text}" if tokens[position] is not token else ""
                token = tokens[position]
                if tokens[position + 1].kind == "LPAREN":
                    function = _check_function(tokens, position)
                    frame = _Frame("call", tokens[position + 1], len(operands), function, start, spelled)
                    operators.append(frame)
                    position += 1
                    if tokens[position + 1].kind == "RPAREN":  # f()
                        position += 1
                        _close_call(operators.pop(), tokens[position], operands)
                        expect_operand = False
                else:
                    if function_named(token.text):
                        raise ParseError(
                            f"{token.text} is a function and needs an argument",
                            span=token.span,
                            hint=f"write {token.text}(x)",
                        )
                    operands.append(Name(token.text, token.span))
                    expect_operand = False
            elif token.kind == "OP" and token.text in "+-":
                operators.append(Token("UNARY", token.text, token.span))
            elif token.kind == "LPAREN":
                operators.append(_Frame("paren", token, len(operands)))
            else:
                raise _unexpected(token, after_operand=False, tokens=tokens, position=position)
        else:
            if token.kind == "OP":
                mine = _BINARY_PRECEDENCE[token.text]
                right_associative = token.text in ("**", "^")
                while operators and not isinstance(operators[-1], _Frame):
                    theirs = precedence(operators[-1])
                    if theirs > mine or (theirs == mine and not right_associative):
                        reduce_top()
                    else:
                        break
                operators.append(token)
                expect_operand = True
            elif token.kind in ("RPAREN", "COMMA"):
                while operators and not isinstance(operators[-1], _Frame):
                    reduce_top()
                if not operators:
                    if token.kind == "RPAREN":
                        raise ParseError("unmatched ')'", span=token.span, hint="remove it or add a matching '('")
                    raise ParseError(
                        "',' outside a function call", span=token.span, hint="commas separate arguments of max(a, b)"
                    )
                frame = operators[-1]
                assert isinstance(frame, _Frame)
                if token.kind == "COMMA":
                    if frame.kind != "call":
                        raise ParseError(
                            "',' inside parentheses", span=token.span, hint="tuples are not part of the language"
                        )
                    expect_operand = True
                else:
                    operators.pop()
                    if frame.kind == "call":
                        _close_call(frame, token, operands)
                    else:
                        inner = operands[-1]
                        operands[-1] = _with_span(inner, Span(frame.token.span.start, token.span.end))
            elif token.kind == "DOT":  # a.relu(): binds tighter than any operator, to the operand just read
                position = _method(tokens, position, operands)
            elif token.kind in ("SEP", "END"):
                break
            else:
                raise _unexpected(token, after_operand=True, tokens=tokens, position=position)
        position += 1

    while operators:
        top = operators[-1]
        if isinstance(top, _Frame):
            raise ParseError(
                "'(' is never closed",
                span=top.token.span,
                hint="add the matching ')'",
            )
        reduce_top()
    assert len(operands) == 1
    return operands[0], position


def _with_span(expr: Expr, span: Span) -> Expr:
    """The same tree, spanning its parentheses too (so errors underline what the user grouped).
    A literal or a name keeps its own span: that is its text."""
    return expr if isinstance(expr, Num | Name) else replace(expr, span=span)


# Modules whose functions Python code calls (math.exp, np.tanh, torch.relu, F.relu): the function
# is read as the primitive of that name, and a note says so.
MODULES = frozenset({"math", "np", "numpy", "torch", "F", "jnp", "tf"})


def _past_module(tokens: list[Token], position: int) -> int:
    """Where the function name is when `math.exp(` starts at `position` (a module, a dot, a
    name and a parenthesis); else `position` itself."""
    if (
        tokens[position].text in MODULES
        and tokens[position + 1].kind == "DOT"
        and tokens[position + 2].kind == "NAME"
        and tokens[position + 3].kind == "LPAREN"
    ):
        return position + 2
    return position


def _method(tokens: list[Token], position: int, operands: list[Expr]) -> int:
    """`operand.f()` for a one-argument function f, read as f(operand); the position of its `)`.
    Anything else after a dot is a ParseError that says what to write."""
    dot, name = tokens[position], tokens[position + 1]
    operand = operands[-1]
    function = function_named(name.text)
    methods = "the methods are the one-argument functions, as .relu() .tanh() .exp() (--functions lists them)"
    if tokens[position + 2].kind != "LPAREN":
        raise ParseError(
            f"attribute .{name.text} is not part of the language",
            span=Span(dot.span.start, name.span.end),
            hint=f"write a name or a number; {methods}",
        )
    if function is None or BY_NAME[function].fewest != 1:
        close = difflib.get_close_matches(name.text, [f for f in FUNCTION_NAMES if BY_NAME[f].fewest == 1], n=1)
        raise ParseError(
            f"unknown method .{name.text}()",
            span=Span(dot.span.start, name.span.end),
            hint=f"did you mean .{close[0]}()?" if close else methods,
        )
    closing = tokens[position + 3]
    if closing.kind in ("END", "SEP"):
        raise ParseError("'(' is never closed", span=tokens[position + 2].span, hint="add the matching ')'")
    if closing.kind != "RPAREN":
        raise ParseError(
            f".{name.text}() takes no arguments: it applies {function} to what is before the dot",
            span=closing.span,
            hint=f"write {function}(x) for one argument",
        )
    operands[-1] = Call(function, (operand,), Span(operand.span.start, closing.span.end), spelled=f".{name.text}()")
    return position + 3


def _close_call(frame: _Frame | Token, closing: Token, operands: list[Expr]) -> None:
    assert isinstance(frame, _Frame) and frame.function is not None
    args = tuple(operands[frame.operand_depth :])
    del operands[frame.operand_depth :]
    span = Span(frame.start, closing.span.end)
    primitive = BY_NAME[frame.function]
    fewest, arity = primitive.fewest, primitive.arity
    if not fewest <= len(args) <= arity:
        plural = "argument" if arity == 1 else "arguments"
        count = f"{fewest} or {arity}" if fewest < arity else str(arity)
        example = ", ".join(primitive.arguments)
        raise ParseError(
            f"{frame.function} takes {count} {plural}, got {len(args)}",
            span=span,
            hint=f"write {frame.function}({example})",
        )
    operands.append(Call(frame.function, args, span, frame.spelled))


# Python's words that can follow a value (a if c else b, a and b): never a product.
_PYTHON_WORDS = frozenset({"if", "else", "and", "or", "not", "in", "is", "for"})

# Python's functions that are not primitives, and what to write instead.
_PYTHON_FUNCTIONS = {
    "sum": "add the terms with +, as in a + b + c",
    "mean": "write the average out, as in (a + b + c)/3",
    "pow": "write a**b",
    "print": "leave it out: the output is the last line",
    "float": "write the number alone",
    "int": "write the number alone",
    "round": "rounding has no useful derivative: write the number rounded",
    "softmax": "write it out: e1 = exp(z1); e2 = exp(z2); p1 = e1/(e1 + e2)",
}

# Unknown functions get the known ones this close (difflib's ratio) as suggestions.
_SUGGEST = 0.6  # "did you mean sigmoid?" for sigmoyd
_NEAREST = 0.4  # "the nearest are max, min, tan" for mean


def _check_function(tokens: list[Token], position: int) -> str:
    """The primitive a call names (`ln` is `log`), or a ParseError: the function is unknown."""
    token = tokens[position]
    function = function_named(token.text)
    if function is not None:
        return function
    names = (*FUNCTION_NAMES, *ALIASES)
    close = difflib.get_close_matches(token.text, names, n=1, cutoff=_SUGGEST)
    if token.text in _PYTHON_FUNCTIONS:
        hint = _PYTHON_FUNCTIONS[token.text]
    elif close:
        hint = f"did you mean {close[0]}?"
    elif _is_variable(tokens, position):  # w(x + 1): a product, written as in mathematics
        hint = f"for a product write {token.text}*(...)"
    else:
        nearest = difflib.get_close_matches(token.text, FUNCTION_NAMES, n=3, cutoff=_NEAREST)
        known = ", ".join(FUNCTION_NAMES)
        hint = f"the nearest known functions are {', '.join(nearest)} (all: {known})" if nearest else ""
        hint = hint or f"the functions are {known}"
    raise ParseError(f"unknown function {token.text!r}", span=token.span, hint=hint)


def _is_variable(tokens: list[Token], position: int) -> bool:
    """Whether the name called at `position` reads as a quantity rather than a function: one
    letter (w, x_1, w2), a constant (e), or a name used elsewhere in the text without a call."""
    name = tokens[position].text
    if name in CONSTANTS or (name[:1].isalpha() and all(char.isdigit() or char == "_" for char in name[1:])):
        return True
    return any(
        token.kind == "NAME" and token.text == name and tokens[index + 1].kind != "LPAREN"
        for index, token in enumerate(tokens[:-1])
    )


def _describe(token: Token) -> str:
    if token.kind == "END":
        return "the end of the formula"
    if token.kind == "SEP":
        return "the end of the line" if token.text != ";" else "';'"
    return repr(token.text)


def _unexpected(token: Token, *, after_operand: bool, tokens: list[Token], position: int) -> ParseError:
    previous = tokens[position - 1] if position > 0 else None
    if after_operand:
        if token.kind == "ASSIGN":
            return ParseError(
                "'=' can only follow a name at the start of a statement",
                span=token.span,
                hint="write one assignment per line, as in  J = w*x",
            )
        if token.kind == "NAME" and token.text in _PYTHON_WORDS:
            return ParseError(
                f"'{token.text}' is Python's, not part of the language",
                span=token.span,
                hint="a formula has no conditions: relu(x), abs(x), max(a, b) and min(a, b) express most of them",
            )
        if token.kind in ("NAME", "NUMBER", "LPAREN") and previous is not None:
            return ParseError(
                f"missing operator between {previous.text!r} and {token.text!r}",
                span=Span(previous.span.start, token.span.end),
                hint=f"write {previous.text}*{token.text} for a product",
            )
        return ParseError(f"unexpected {_describe(token)}", span=token.span, hint="check the operators around it")
    if previous is not None and previous.kind in ("OP", "UNARY"):
        return ParseError(
            f"{_describe(token)} where a value should follow {previous.text!r}",
            span=token.span if token.kind not in ("END", "SEP") else previous.span,
            hint=f"put a number, a name or a parenthesised formula after {previous.text!r}",
        )
    if previous is not None and previous.kind == "COMMA":
        return ParseError(
            f"missing argument after ',' (found {_describe(token)})",
            span=token.span,
            hint="give every argument a value",
        )
    if token.kind == "RPAREN":
        return ParseError("empty parentheses", span=token.span, hint="put a formula between ( and )")
    if token.kind == "ASSIGN":
        return ParseError("'=' needs a name before it", span=token.span, hint="write name = formula")
    if token.kind in ("SEP", "END"):
        return ParseError(f"{_describe(token)} where a value was expected", span=token.span, hint="finish the formula")
    return ParseError(
        f"unexpected {_describe(token)} where a value was expected",
        span=token.span,
        hint="a value is a number, a name, a function call or a parenthesised formula",
    )
