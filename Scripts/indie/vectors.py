"""Checks this implementation against Documentation/Vectors/*.json (README there)."""
import json
import os

HANDLERS = {}


def handler(name):
    def wrap(fn):
        HANDLERS[name] = fn
        return fn
    return wrap


def check_all(vecdir):
    """Yields (check name, ok or None for skipped, detail)."""
    if not os.path.isdir(vecdir):
        yield ("vectors: Documentation/Vectors/", None, "no such folder in this tree")
        return
    for fname in sorted(os.listdir(vecdir)):
        if not fname.endswith(".json"):
            continue
        path = os.path.join(vecdir, fname)
        try:
            with open(path) as f:
                data = json.load(f)
        except ValueError as e:
            yield ("vectors: %s is JSON" % fname, False, str(e))
            continue
        fn = HANDLERS.get(fname)
        if fn is None:
            yield ("vectors: %s" % fname, None, "no checker for this file here")
            continue
        try:
            for name, ok, detail in fn(data):
                yield ("vectors %s: %s" % (fname, name), ok, detail)
        except Exception as e:  # a format this checker misread is a failure to report, not a crash
            import traceback
            yield ("vectors %s: checker ran" % fname, False, traceback.format_exc())
