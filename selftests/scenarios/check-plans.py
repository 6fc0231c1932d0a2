#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""selftests/scenarios/check-plans.py - does each scenario's plan match its code?

A host-driven scenario declares its plan (Scenario(..., plan=N)) and prints
it before the guest boots; one whose code prints another number of results
fails, but only after a long guest run. This reads each scenario (Python
AST, nothing is run) and counts the results its body prints: every .ok()
and .skip() call, times the length of a loop over a literal tuple, list or
range(); an if/else counts when both sides print as many. Where the count
depends on run-time values (a loop over data, a branch, a break) it cannot
tell and reports a SKIP: those plans are counted by hand. KTAP out, one
line per scenario.

  selftests/scenarios/check-plans.py [SCENARIO.py ...]
"""
import ast
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Unknown(Exception):
    pass


def is_result(node):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
            node.func.attr in ('ok', 'skip'))


def calls_in(node):
    """Result calls anywhere under an expression node (not in lambdas)."""
    n = 0
    for sub in ast.walk(node):
        if isinstance(sub, ast.Lambda) and any(is_result(x) for x in ast.walk(sub)):
            raise Unknown('a result inside a lambda (line %d)' % sub.lineno)
        if isinstance(sub, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)) and \
                any(is_result(x) for x in ast.walk(sub)):
            raise Unknown('a result inside a comprehension (line %d)' % sub.lineno)
        if isinstance(sub, (ast.BoolOp, ast.IfExp)) and any(is_result(x) for x in ast.walk(sub)):
            raise Unknown('a result inside a conditional expression (line %d)' % sub.lineno)
        if is_result(sub):
            n += 1
    return n


def loop_len(it):
    if isinstance(it, (ast.Tuple, ast.List)):
        return len(it.elts)
    if (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == 'range' and
            all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in it.args)):
        return len(range(*[a.value for a in it.args]))
    raise Unknown('a result in a loop over run-time data (line %d)' % it.lineno)


def exits(stmts):
    """The block ends with sys.exit(...)."""
    last = stmts[-1] if stmts else None
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and
            isinstance(last.value.func, ast.Attribute) and last.value.func.attr == 'exit' and
            getattr(last.value.func.value, 'id', '') == 'sys')


def count(stmts):
    n = 0
    for st in stmts:
        if isinstance(st, (ast.FunctionDef, ast.ClassDef)):
            if any(is_result(x) for x in ast.walk(st)):
                raise Unknown('a result inside def %s (line %d)' % (st.name, st.lineno))
            continue
        if isinstance(st, (ast.Break, ast.Continue, ast.Return)):
            raise Unknown('%s (line %d)' % (type(st).__name__.lower(), st.lineno))
        if isinstance(st, (ast.For, ast.While)) and not any(is_result(x) for x in ast.walk(st)):
            continue
        if isinstance(st, ast.If) and exits(st.body) and not st.orelse:
            continue        # a branch that ends the scenario (e.g. all skipped)
        if isinstance(st, ast.For):
            body = count(st.body)
            if st.orelse:
                raise Unknown('for ... else (line %d)' % st.lineno)
            n += body * loop_len(st.iter) if body else 0
            if body == 0 and calls_in(st.iter):
                raise Unknown('a result in a loop header (line %d)' % st.lineno)
        elif isinstance(st, ast.While):
            if count(st.body) or count(st.orelse):
                raise Unknown('a result in a while loop (line %d)' % st.lineno)
        elif isinstance(st, ast.If):
            a, b = count(st.body), count(st.orelse)
            if a != b:
                raise Unknown('if/else print %d and %d results (line %d)' % (a, b, st.lineno))
            n += a + calls_in(st.test)
        elif isinstance(st, ast.Try):
            if any(count(x) for x in [st.body, st.orelse, st.finalbody] +
                   [h.body for h in st.handlers]):
                raise Unknown('a result in try (line %d)' % st.lineno)
        elif isinstance(st, ast.With):
            n += count(st.body) + sum(calls_in(i.context_expr) for i in st.items)
        else:
            n += calls_in(st)
    return n


def check(path):
    """(declared plan, counted results or None, why not counted)."""
    tree = ast.parse(open(path).read(), path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.With):
            continue
        for item in node.items:
            call = item.context_expr
            if isinstance(call, ast.Call) and getattr(call.func, 'id', '') == 'Scenario':
                plan = [k.value.value if isinstance(k.value, ast.Constant) else
                        ast.unparse(k.value) for k in call.keywords if k.arg == 'plan']
                if plan and not isinstance(plan[0], int):
                    return plan[0], None, 'the plan is computed (%s)' % plan[0]
                try:
                    return (plan[0] if plan else None), count(node.body), None
                except Unknown as e:
                    return (plan[0] if plan else None), None, str(e)
    return None, None, 'no "with Scenario(...)"'


def main():
    paths = sys.argv[1:] or sorted(p for p in glob.glob(os.path.join(HERE, '*.py'))
                                   if os.path.basename(p) not in ('dcdlab.py', 'check-plans.py'))
    print('TAP version 13')
    print('1..%d' % len(paths))
    bad = 0
    for i, p in enumerate(paths, 1):
        name = os.path.splitext(os.path.basename(p))[0]
        plan, n, why = check(p)
        if plan is None:
            bad += 1
            print('not ok %d %s: declares its plan' % (i, name))
            print('# %s' % (why or 'no plan= in Scenario(...)'))
        elif n is None:
            print('ok %d %s: plan %s matches its results # SKIP counted by hand: %s'
                  % (i, name, plan, why))
        elif n == plan:
            print('ok %d %s: plan %d matches its results' % (i, name, plan))
        else:
            bad += 1
            print('not ok %d %s: plan %d matches its results' % (i, name, plan))
            print('# the code prints %d results' % n)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
