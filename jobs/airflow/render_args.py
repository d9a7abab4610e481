#!/usr/bin/env python3
"""Renders the application arguments a sparkvi Airflow DAG would pass on a given date, without Airflow.

Reads the DAG file with Python's ast (nothing is imported or executed), evaluates each SparkSubmitOperator's
application_args (string constants, module-level constants, os.environ.get(NAME, default), +), replaces
{{ ds }} by the date, and prints JSON: {"tasks": [{"task_id": ..., "java_class": ..., "args": [...]}, ...]} in
the order of the >> dependencies.

usage: render_args.py DAG_FILE YYYY-MM-DD [NAME=VALUE ...]   (NAME=VALUE: the environment the DAG sees)
"""
import ast
import json
import sys


def evaluate(node, names, env):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ValueError("unknown name %s at line %d" % (node.id, node.lineno))
        return names[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return evaluate(node.left, names, env) + evaluate(node.right, names, env)
    if isinstance(node, ast.List):
        return [evaluate(e, names, env) for e in node.elts]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and ast.unparse(node.func.value) == "os.environ"):
        key = evaluate(node.args[0], names, env)
        default = evaluate(node.args[1], names, env) if len(node.args) > 1 else None
        return env.get(key, default)
    raise ValueError("cannot evaluate %s at line %d" % (ast.unparse(node), node.lineno))


def render(dag_file, ds, env):
    tree = ast.parse(open(dag_file).read(), dag_file)
    names = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                names[stmt.targets[0].id] = evaluate(stmt.value, names, env)
            except ValueError:
                pass  # not a plain constant (default_args and the like)
    tasks, variables, order = {}, {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and ast.unparse(node.value.func) == "SparkSubmitOperator":
            kw = {k.arg: k.value for k in node.value.keywords}
            task_id = evaluate(kw["task_id"], names, env)
            args = [str(a).replace("{{ ds }}", ds) for a in evaluate(kw["application_args"], names, env)]
            tasks[task_id] = {"task_id": task_id, "java_class": evaluate(kw["java_class"], names, env), "args": args}
            variables[node.targets[0].id] = task_id
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
            chain = []
            while isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
                chain.insert(0, node.right.id)
                node = node.left
            chain.insert(0, node.id)
            order = [variables[v] for v in chain]
    ordered = [tasks[t] for t in order] + [t for i, t in tasks.items() if i not in order]
    return {"tasks": ordered}


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    environment = dict(a.split("=", 1) for a in sys.argv[3:])
    print(json.dumps(render(sys.argv[1], sys.argv[2], environment), indent=1))
