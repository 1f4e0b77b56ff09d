"""Claims: sentences whose truth depends on the data, checked or worded at build.

A page template says what depends on the data inside a ``claim`` block, the
book's one mechanism for it::

    The test MSE ends {% claim full_batch.test_mse < full_batch.train_mse %}below{% else %}above{% endclaim %}
    the training MSE.

    {% claim full_batch.loss_rises == 0 %}The loss falls at every update.{% endclaim %}

* With ``else`` (or ``elif``) branches the claim is **worded by the
  computation**: the first branch whose condition holds is the text.
* Without, it is **asserted**: the sentence is shown when its condition holds,
  and the build fails when it does not, naming the page, the line, the
  sentence and the values the condition compared.

Every claim a build meets is recorded (page, line, kind, outcome, values), so
the build report can say how many sentences the book checks.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension

from gdbook.core.errors import BuildError


class ClaimFailed(BuildError):
    pass


def _source(node: nodes.Node) -> str:
    """How an operand reads in the template (``full_batch.test_mse``)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_source(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_source(node.node)}[{node.arg.value!r}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Filter):
        return f"{_source(node.node)} | {node.name}"
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        return f"{node.node.name}(…)"
    if isinstance(node, nodes.BinExpr):
        return f"({_source(node.left)} {node.operator} {_source(node.right)})"
    return type(node).__name__.lower()


def _operands(node: nodes.Node) -> list[nodes.Node]:
    """The values a condition compares, to be shown when it is false."""
    if isinstance(node, nodes.Compare):
        return [node.expr, *(op.expr for op in node.ops)]
    if isinstance(node, (nodes.And, nodes.Or)):
        return _operands(node.left) + _operands(node.right)
    if isinstance(node, nodes.Not):
        return _operands(node.node)
    return [node]


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if not hasattr(value, "_path") else f"<{value._path}>"


class ClaimExtension(Extension):
    tags = {"claim"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(claims=[])

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        branches: list[tuple[nodes.Expr, list[nodes.Node]]] = []
        otherwise: list[nodes.Node] | None = None
        cond = parser.parse_expression()
        body = parser.parse_statements(("name:elif", "name:else", "name:endclaim"))
        branches.append((cond, body))
        while True:
            tok = next(parser.stream)
            if tok.test("name:elif"):
                cond = parser.parse_expression()
                body = parser.parse_statements(("name:elif", "name:else", "name:endclaim"))
                branches.append((cond, body))
            elif tok.test("name:else"):
                otherwise = parser.parse_statements(("name:endclaim",), drop_needle=True)
                break
            else:
                break

        def operands(c: nodes.Expr) -> nodes.List:
            return nodes.List([nodes.Tuple([nodes.Const(_source(o)), o], "load") for o in _operands(c)])

        if len(branches) == 1 and otherwise is None:
            cond, body = branches[0]
            call = self.call_method("_assert", [nodes.ContextReference(), nodes.Const(lineno), cond, operands(cond)])
            return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

        # Worded: the index of the branch whose condition holds first (len(branches) for else).
        conds = nodes.List([c for c, _ in branches])
        pick = self.call_method("_pick", [nodes.ContextReference(), nodes.Const(lineno), conds,
                                          nodes.List([operands(c) for c, _ in branches]),
                                          nodes.Const(otherwise is not None)])
        target = nodes.Name("_claim_branch", "store")
        chosen = nodes.Name("_claim_branch", "load")
        tests = [nodes.If(nodes.Compare(chosen, [nodes.Operand("eq", nodes.Const(i))]), body, [], [])
                 for i, (_, body) in enumerate(branches)]
        first = tests[0]
        first.elif_ = tests[1:]
        first.else_ = otherwise or []
        return [nodes.Assign(target, pick).set_lineno(lineno), first.set_lineno(lineno)]

    # -- at render time -------------------------------------------------------------

    def _record(self, context: Any, lineno: int, kind: str, outcome: Any, values: list) -> None:
        self.environment.claims.append({
            "page": context.get("page_uri", "?"), "line": lineno, "kind": kind, "outcome": outcome,
            "values": {name: _shown(v) for name, v in values},
        })

    def _assert(self, context: Any, lineno: int, holds: Any, values: list, caller: Any) -> str:
        text = caller()
        if not holds:
            compared = ", ".join(f"{name} = {_shown(v)}" for name, v in values)
            raise ClaimFailed(f"line {lineno}: the claim “{' '.join(text.split())}” is false ({compared})")
        self._record(context, lineno, "checked", True, values)
        return text

    def _pick(self, context: Any, lineno: int, conds: list, values: list, has_else: bool) -> int:
        for i, holds in enumerate(conds):
            if holds:
                self._record(context, lineno, "worded", i, values[i])
                return i
        if not has_else:
            compared = "; ".join(", ".join(f"{n} = {_shown(v)}" for n, v in vs) for vs in values)
            raise ClaimFailed(f"line {lineno}: no branch of the claim holds and it has no else ({compared})")
        self._record(context, lineno, "worded", len(conds), [v for vs in values for v in vs])
        return len(conds)
