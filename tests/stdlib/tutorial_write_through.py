# The tutorial's own code (its four steps), then the standard library a learner reaches for
# around it: prices checked with re, a log line with datetime, the cache and database compared
# as JSON. (scripts/record-stdlib.sh runs it on CPython + redis-py against a real redis-server.)
import json
import os
import re
from datetime import datetime

import redis

redis_client = redis.Redis(host="127.0.0.1", port=int(os.environ.get("REDIS_PORT", "6379")), db=0, decode_responses=True)
redis_client.flushdb()

# Step 1: the prices in a Redis hash.
redis_client.hset("product_prices", mapping={"product1": 100, "product2": 200, "product3": 300})
# Step 2: the database, a dictionary.
database = {"product1": 100, "product2": 200, "product3": 300}


# Steps 3 and 4: write-through.
def update_price(product, new_price):
    if not re.fullmatch(r"\d+(\.\d{1,2})?", str(new_price)):
        raise ValueError(f"not a price: {new_price!r}")
    redis_command = f"HSET product_prices {product} {new_price}"
    redis_client.execute_command(redis_command)
    database[product] = new_price


update_price("product1", 150)
update_price("product2", "199.99")
try:
    update_price("product3", "12 EUR")
except ValueError as e:
    print("refused:", e)
cache = {k: str(v) for k, v in redis_client.hgetall("product_prices").items()}
rows = {k: str(v) for k, v in database.items()}
print(json.dumps(cache, sort_keys=True))
print(json.dumps(rows, sort_keys=True) == json.dumps(cache, sort_keys=True))
stamp = datetime(2024, 3, 1, 9, 30)
print(f"[{stamp:%Y-%m-%d %H:%M}] product1 -> {redis_client.hget('product_prices', 'product1')}")
