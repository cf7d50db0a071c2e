# A product cached as JSON in a hash field, with redis-py: write-through keeps the database row
# and the cached JSON the same. (scripts/record-stdlib.sh runs it on CPython + redis-py against
# a real redis-server on REDIS_PORT; the lab runs it against its own Redis.)
import json
import os
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import redis

r = redis.Redis(host="127.0.0.1", port=int(os.environ.get("REDIS_PORT", "6379")), decode_responses=True)
r.flushdb()


@dataclass
class Product:
    id: str
    price: int
    updated: str


rows = {}  # the database: rows as objects (the lab's `database` holds prices)


def update_price(product_id, new_price, day):
    row = Product(product_id, new_price, day.isoformat())
    rows[product_id] = row
    r.hset("products", product_id, json.dumps(asdict(row), sort_keys=True))


def get_product(product_id):
    cached = r.hget("products", product_id)
    if cached is None:
        return None
    return Product(**json.loads(cached))


day = date(2024, 3, 1)
for i, price in enumerate([100, 150, 175]):
    update_price(f"product{i + 1}", price, day + timedelta(days=i))
print(r.hget("products", "product2"))
print(get_product("product3"), get_product("nope"))
print(get_product("product1") == rows["product1"])
print(sorted(r.hkeys("products")), r.hlen("products"))
r.hset("products", "product1", json.dumps({"id": "product1", "price": 120, "updated": "2024-03-05"}))
print(get_product("product1") == rows["product1"], get_product("product1").price)
print(r.expire("products", 60), r.ttl("products"), r.type("products"), r.persist("products"))
r.mset({"views:product1": 3, "views:product2": 5})
print(r.mget(["views:product1", "views:product2", "nope"]), r.incr("views:product1"), r.hincrbyfloat("stats", "avg", 1.5))
print(r.hmget("products", ["product1", "nope"])[1], r.setnx("views:product1", 0), r.strlen("views:product2"))
with r.pipeline() as pipe:
    pipe.hset("products", "product4", json.dumps({"id": "product4", "price": 9, "updated": "x"}))
    pipe.hget("products", "product4")
    print([json.loads(x)["price"] if isinstance(x, str) else x for x in pipe.execute()])
try:
    json.loads(r.hget("products", "product4") + "}")
except json.JSONDecodeError as e:
    print("JSONDecodeError:", e.msg)
