"""Transactions with redis-py, two clients on one server: pipelines (MULTI/EXEC), WATCH and its
WatchError, transaction(), errors inside and before EXEC, and a lock made of SET NX PX with a
checked delete. tests/resp_server.rs runs it with CPython and redis-py against minired and
against a real redis-server, and tests/python.rs runs it in the lab's own Python against the
emulator: the three outputs must be the same.

    python tests/clients/transactions.py PORT
"""
import sys

import redis

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
a = redis.Redis(host='127.0.0.1', port=port, decode_responses=True)
b = redis.Redis(host='127.0.0.1', port=port, decode_responses=True)
a.flushdb()
a.hset('product_prices', mapping={'product1': 100, 'product2': 200})


def show(label, value):
    print(label, repr(value))


def error(e):
    return type(e).__name__ + ': ' + str(e)


# A transaction: the commands are queued, then run together.
pipe = a.pipeline()
pipe.hset('product_prices', 'product1', 150)
pipe.hget('product_prices', 'product1')
pipe.hincrby('product_prices', 'product2', 5)
show('pipeline', pipe.execute())
show('chained', a.pipeline().hset('product_prices', 'product3', 300).hlen('product_prices').execute())

# WATCH, then another client writes the key: EXEC runs nothing and redis-py raises WatchError.
with a.pipeline() as pipe:
    pipe.watch('product_prices')
    current = pipe.hget('product_prices', 'product1')
    show('read while watching', current)
    b.hset('product_prices', 'product1', 175)
    pipe.multi()
    pipe.hset('product_prices', 'product1', int(current) + 1)
    try:
        pipe.execute()
        show('exec', 'ran')
    except redis.WatchError as e:
        show('watch', error(e))
show('after the race', a.hget('product_prices', 'product1'))

# WATCH, and nobody writes: it runs.
with a.pipeline() as pipe:
    pipe.watch('product_prices')
    current = pipe.hget('product_prices', 'product1')
    pipe.multi()
    pipe.hset('product_prices', 'product1', int(current) + 1)
    show('watched exec', pipe.execute())

# transaction(): retried until no watched key changed in between.
tries = []


def bump(pipe):
    current = pipe.hget('product_prices', 'product2')
    if not tries:
        b.hset('product_prices', 'product2', 500)
    tries.append(current)
    pipe.multi()
    pipe.hset('product_prices', 'product2', int(current) + 1)


show('transaction', a.transaction(bump, 'product_prices'))
show('tries', tries)
show('value_from_callable', a.transaction(lambda p: p.hget('product_prices', 'product2'), 'product_prices', value_from_callable=True))

# A command that fails inside EXEC: the others still ran; redis-py raises the first error.
a.set('text', 'abc')
pipe = a.pipeline()
pipe.set('n', 1)
pipe.incr('text')
pipe.get('n')
try:
    pipe.execute()
except redis.ResponseError as e:
    show('inside exec', error(e))
pipe = a.pipeline()
pipe.incr('text')
pipe.get('n')
show('raise_on_error=False', [error(r) if isinstance(r, Exception) else r for r in pipe.execute(raise_on_error=False)])

# A command refused while queueing: EXEC aborts and nothing runs.
pipe = a.pipeline()
pipe.set('x', 1)
pipe.execute_command('HSET', 'h')
try:
    pipe.execute()
except redis.ResponseError as e:
    show('refused', error(e))
show('x after abort', a.get('x'))

# MULTI and EXEC sent by hand.
show('MULTI', a.execute_command('MULTI'))
show('queued', a.execute_command('HSET', 'product_prices', 'product3', 310))
show('EXEC', a.execute_command('EXEC'))
try:
    a.execute_command('EXEC')
except redis.ResponseError as e:
    show('EXEC again', error(e))
show('empty pipeline', a.pipeline().execute())

# A lock: SET NX PX takes it; only its holder deletes it (a checked delete).
show('a locks', a.set('lock:product1', 'a-token', nx=True, px=5000))
show('b locks', b.set('lock:product1', 'b-token', nx=True, px=5000))
if a.get('lock:product1') == 'a-token':
    show('a unlocks', a.delete('lock:product1'))
show('b locks again', b.set('lock:product1', 'b-token', nx=True, px=5000))

# A pipeline without a transaction.
pipe = a.pipeline(transaction=False)
pipe.get('n')
pipe.hget('product_prices', 'product1')
show('no transaction', pipe.execute())
show('final', sorted(a.hgetall('product_prices').items()))
