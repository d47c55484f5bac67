# Rule tests for heard-eval-exec (run: `make lint`, or `cd .semgrep && semgrep --test .`).
# ruff: noqa  (a fixture of deliberately unsafe code; not imported, not run)
import ast
import builtins


def run(text, frame):
    # ruleid: heard-eval-exec
    value = eval(text)
    # ruleid: heard-eval-exec
    exec(text, {})
    # ruleid: heard-eval-exec
    value = builtins.eval(text)
    # ruleid: heard-eval-exec
    code = compile(text, "<form>", "exec")

    # ok: heard-eval-exec
    value = ast.literal_eval(text)
    # ok: heard-eval-exec
    frame.eval("a + b")
    # ok: heard-eval-exec
    model.eval()
    return value, code
