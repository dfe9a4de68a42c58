#!/usr/bin/python3
"""Runs a composite GitHub Action's steps the way the runner does, offline, for the tests.

usage: run_composite_action.py ACTION_YML CONTEXT_JSON

CONTEXT_JSON holds {"inputs": {...}, "github": {...}, "runner": {"temp": ...}, "workspace": DIR}.
Inputs not given take action.yml's defaults (expressions evaluated). Each step's `if:` and the
`${{ }}` expressions in `env:`, `with:` and `run:` are evaluated; `run:` steps run with
`bash --noprofile --norc -eo pipefail` in the workspace with GITHUB_OUTPUT, GITHUB_ENV,
GITHUB_PATH, GITHUB_ACTION_PATH, GITHUB_WORKSPACE and RUNNER_TEMP set; `uses:` steps are not
run, only recorded with their evaluated `with:`. Prints JSON: the steps and the action's outputs.
An expression this evaluator does not understand is an error (exit 2), never skipped.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml


class ExpressionError(Exception):
    pass


TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))|"
                   r"(?P<call>[A-Za-z_][\w-]*\(\))|(?P<path>[A-Za-z_][\w.-]*))")


def evaluate(expr, ctx, status):
    """GitHub expression subset: literals, property paths, ==, !=, &&, ||, !, () and
    always()/success()/failure()/cancelled()."""
    tokens, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ExpressionError("cannot read expression: " + expr)
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    tokens.append(("end", None))
    at = [0]

    def peek():
        return tokens[at[0]]

    def take():
        t = tokens[at[0]]
        at[0] += 1
        return t

    def value(path):
        if path in ("true", "false"):
            return path == "true"
        cur = ctx
        for part in path.split("."):
            if isinstance(cur, dict) and part in cur:
                cur = cur[part]
            else:
                return None  # a missing property is null, as on GitHub
        return cur

    def primary():
        kind, text = take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "call":
            name = text[:-2]
            if name == "always":
                return True
            if name == "success":
                return not status["failed"]
            if name == "failure":
                return status["failed"]
            if name == "cancelled":
                return False
            raise ExpressionError("unknown function " + text)
        if kind == "path":
            return value(text)
        if text == "!":
            return not truthy(primary())
        if text == "(":
            v = disjunction()
            if take()[1] != ")":
                raise ExpressionError("missing ) in " + expr)
            return v
        raise ExpressionError("unexpected token %r in %s" % (text, expr))

    def comparison():
        left = primary()
        while peek()[1] in ("==", "!="):
            op = take()[1]
            right = primary()
            same = text_of(left).lower() == text_of(right).lower()
            left = same if op == "==" else not same
        return left

    def conjunction():
        left = comparison()
        while peek()[1] == "&&":
            take()
            right = comparison()
            left = right if truthy(left) else left
        return left

    def disjunction():
        left = conjunction()
        while peek()[1] == "||":
            take()
            right = conjunction()
            left = left if truthy(left) else right
        return left

    result = disjunction()
    if peek()[0] != "end":
        raise ExpressionError("trailing tokens in " + expr)
    return result


def truthy(v):
    return v not in (None, False, "", 0)


def text_of(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


def interpolate(text, ctx, status):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: text_of(evaluate(m.group(1), ctx, status)),
                  str(text))


def condition(text, ctx, status):
    if text is None:
        return not status["failed"]
    text = str(text).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    # Like the runner: a condition without a status function implies success().
    if not re.search(r"\b(always|success|failure|cancelled)\(\)", text):
        text = "success() && (" + text + ")"
    return truthy(evaluate(text, ctx, status))


def read_outputs(path):
    outputs, lines, i = {}, open(path).read().split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            i += 1
            value = []
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, val = line.split("=", 1)
            outputs[name] = val
        i += 1
    return outputs


def main():
    action = yaml.safe_load(open(sys.argv[1]))
    given = json.load(open(sys.argv[2]))
    workspace = given["workspace"]
    ctx = {"github": given.get("github", {}), "runner": given.get("runner", {}), "steps": {},
           "env": {}}
    ctx["github"].setdefault("workspace", workspace)
    status = {"failed": False}
    inputs = {}
    for name, spec in (action.get("inputs") or {}).items():
        if name in given.get("inputs", {}):
            inputs[name] = text_of(given["inputs"][name])
        else:
            inputs[name] = interpolate(spec.get("default", ""), ctx, status)
            if spec.get("required") and inputs[name] == "":
                raise ExpressionError("required input %s not given" % name)
    for name in given.get("inputs", {}):
        if name not in inputs:
            raise ExpressionError("unknown input " + name)
    ctx["inputs"] = inputs

    assert action["runs"]["using"] == "composite"
    report = {"inputs": inputs, "steps": []}
    path_extra = []
    env_extra = {}
    for step in action["runs"]["steps"]:
        entry = {"id": step.get("id", ""), "name": step.get("name", "")}
        report["steps"].append(entry)
        entry["ran"] = condition(step.get("if"), ctx, status)
        if not entry["ran"]:
            continue
        env = {k: interpolate(v, ctx, status) for k, v in (step.get("env") or {}).items()}
        if "uses" in step:
            entry["uses"] = step["uses"]
            entry["with"] = {k: interpolate(v, ctx, status)
                             for k, v in (step.get("with") or {}).items()}
            continue
        assert step.get("shell") == "bash", "composite run steps need shell: bash"
        with tempfile.TemporaryDirectory() as tmp:
            files = {n: os.path.join(tmp, n) for n in ("output", "env", "path")}
            for f in files.values():
                open(f, "w").close()
            script = os.path.join(tmp, "step.sh")
            with open(script, "w") as f:
                f.write(interpolate(step["run"], ctx, status))
            run_env = dict(os.environ)
            run_env.update(env_extra)
            run_env.update(env)
            run_env["PATH"] = ":".join(path_extra + [run_env.get("PATH", "")])
            run_env.update({"GITHUB_OUTPUT": files["output"], "GITHUB_ENV": files["env"],
                            "GITHUB_PATH": files["path"], "GITHUB_WORKSPACE": workspace,
                            "GITHUB_ACTION_PATH": ctx["github"].get("action_path", ""),
                            "RUNNER_TEMP": ctx["runner"].get("temp", tmp), "CI": "true",
                            "GITHUB_ACTIONS": "true"})
            p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                               cwd=workspace, env=run_env, capture_output=True, text=True)
            entry.update({"exit_code": p.returncode, "stdout": p.stdout, "stderr": p.stderr,
                          "outputs": read_outputs(files["output"])})
            env_extra.update(read_outputs(files["env"]))
            path_extra = [l for l in open(files["path"]).read().split("\n") if l] + path_extra
        if step.get("id"):
            ctx["steps"][step["id"]] = {"outputs": entry["outputs"]}
        if entry["exit_code"] != 0:
            status["failed"] = True
    report["failed"] = status["failed"]
    report["outputs"] = {name: interpolate(spec.get("value", ""), ctx, status)
                         for name, spec in (action.get("outputs") or {}).items()}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    try:
        main()
    except ExpressionError as e:
        print("run_composite_action: " + str(e), file=sys.stderr)
        sys.exit(2)
