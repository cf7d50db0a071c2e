"""The tutorial's Python (the lesson's reference solution), with redis-py, against the server on
127.0.0.1:PORT. tests/resp_server.rs runs it against minired and against a real redis-server:
the two outputs must be the same.

    python tests/clients/tutorial.py PORT
"""
import sys

import redis

port = int(sys.argv[1])
redis_client = redis.Redis(host='127.0.0.1', port=port, db=0, decode_responses=True)
redis_client.flushdb()

# Step 1: a Redis hash with the product prices.
redis_client.hset('product_prices', mapping={'product1': 100, 'product2': 200, 'product3': 300})

# Step 2: the database, a dictionary.
database = {'product1': 100, 'product2': 200, 'product3': 300}


# Steps 3 and 4: write-through, both stores on every update, as the course writes it.
def update_price(product, new_price):
    database[product] = new_price
    redis_command = f"HSET product_prices {product} {new_price}"
    # One string: redis-py splits its first argument at whitespace before sending it, so the
    # words arrive as separate arguments (a price with a space in it would not).
    return redis_client.execute_command(redis_command)


print('update_price:', update_price('product1', 150))

print('product_prices:', dict(sorted(redis_client.hgetall('product_prices').items())))
print('database:', database)
print('hget:', redis_client.hget('product_prices', 'product1'), redis_client.hget('product_prices', 'nope'))
print('hincrby:', redis_client.hincrby('counters', 'n', 5), redis_client.hincrbyfloat('counters', 'x', 1.5))
print('hdel:', redis_client.hdel('product_prices', 'product3', 'nope'), redis_client.hlen('product_prices'))
redis_client.set('plain', 'text')
try:
    redis_client.hget('plain', 'f')
except redis.exceptions.ResponseError as error:
    print('wrong type:', error)

# RESP3, as redis-py 5 speaks it when asked: HELLO 3, then maps.
resp3 = redis.Redis(host='127.0.0.1', port=port, db=0, protocol=3, decode_responses=True)
print('resp3 hgetall:', resp3.hgetall('product_prices'), resp3.hget('product_prices', 'nope'))
resp3.select(5)
print('db 5 is empty:', resp3.dbsize(), resp3.exists('product_prices'))
