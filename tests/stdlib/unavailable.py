# What the lab cannot offer says so; in CPython these lines run (this program prints the same
# in both only where the lab and CPython agree: the imports that work).
import importlib
import io
import os
import sys

buf = io.StringIO()
buf.write("product1,150\n")
print(buf.getvalue().strip(), io.BytesIO(b"abc").read(2))
print(os.path.join("cache", "product1.json"), os.path.splitext("a/b.json"), os.path.basename("/x/y.txt"), os.sep)
print(len(os.urandom(8)), isinstance(os.environ.get("NOPE", ""), str))
print(importlib.import_module("json").dumps([1]), "json" in sys.modules)
