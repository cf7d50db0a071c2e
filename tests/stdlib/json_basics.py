# json: a product as JSON text and back, as a cache would store it.
import json

product = {"id": "product1", "price": 150, "tags": ["sale", "new"], "stock": None, "active": True, "ratio": 0.25}
text = json.dumps(product)
print(text)
print(json.dumps(product, sort_keys=True, indent=2))
print(json.dumps([1, "two", 3.5, {"k": [None]}], separators=(",", ":")))
back = json.loads(text)
print(back == product, type(back["price"]).__name__, back["tags"][1])
print(json.dumps("caf\u00e9 \u2615"), json.dumps("caf\u00e9", ensure_ascii=False))
print(json.loads('{"a": 1e3, "b": -0.5, "c": "\\u00e9\\n"}'))
try:
    json.loads('{"price": }')
except json.JSONDecodeError as e:
    print("JSONDecodeError:", e.msg, "at", e.lineno, e.colno, e.pos)
try:
    json.dumps({"when": object})
except TypeError as e:
    print("TypeError:", e)


class Price:
    def __init__(self, amount):
        self.amount = amount


def encode(o):
    if isinstance(o, Price):
        return {"amount": o.amount}
    raise TypeError(type(o).__name__)


print(json.dumps({"p": Price(7)}, default=encode))
print(json.loads('[1, 2.50, 3]', parse_float=str))
print(json.dumps(float("inf")), json.dumps({1: "int key", True: "bool key"}))
