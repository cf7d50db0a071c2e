"""redis-py's everyday calls (issue #25): decode_responses, hset with a mapping, hgetall,
hincrby, expire/ttl, set with nx and px, a pipeline with and without a transaction, watch, and
scan_iter. tests/resp_server.rs runs it with CPython and redis-py against minired and against a
real redis-server, and tests/python.rs in the lab's own Python against the emulator: the three
outputs must be the same (tests/clients/everyday.out, recorded against redis-server).

    python tests/clients/everyday.py PORT
"""
import sys

import redis

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
r = redis.Redis(host='127.0.0.1', port=port, decode_responses=True)
raw = redis.Redis(host='127.0.0.1', port=port)
r.flushdb()

print('hset mapping:', r.hset('product_prices', mapping={'product1': 100, 'product2': 200, 'product3': 300}))
print('hgetall:', dict(sorted(r.hgetall('product_prices').items())))
print('raw hget:', raw.hget('product_prices', 'product1'), raw.hget('product_prices', 'nope'))
print('hincrby:', r.hincrby('product_prices', 'product1', 50), r.hincrby('views', 'product1'))
print('hincrbyfloat:', r.hincrbyfloat('views', 'ratio', 0.5))

print('set nx:', r.set('lock:product1', 'token-a', nx=True, px=30000), r.set('lock:product1', 'token-b', nx=True, px=30000))
print('get:', r.get('lock:product1'), 0 < r.pttl('lock:product1') <= 30000)
print('expire/ttl:', r.expire('product_prices', 60), r.ttl('product_prices'), r.ttl('views'), r.ttl('nope'))
print('persist:', r.persist('product_prices'), r.ttl('product_prices'))

pipe = r.pipeline(transaction=False)
pipe.hset('product_prices', 'product2', 250)
pipe.hget('product_prices', 'product2')
pipe.exists('product_prices', 'nope')
print('pipeline:', pipe.execute())

with r.pipeline() as tx:
    tx.hset('product_prices', 'product3', 350)
    tx.hincrby('views', 'product3', 2)
    tx.hgetall('views')
    print('transaction:', tx.execute()[:2])

with r.pipeline() as tx:
    tx.watch('product_prices')
    price = int(tx.hget('product_prices', 'product1'))
    tx.multi()
    tx.hset('product_prices', 'product1', price + 10)
    print('watched:', tx.execute(), r.hget('product_prices', 'product1'))

for i in range(25):
    r.set(f'cache:product{i}', i)
print('scan_iter:', len(list(r.scan_iter())), sorted(r.scan_iter(match='cache:product1*')))
print('scan_iter count:', sorted(r.scan_iter(match='cache:product2?', count=5)))
print('scan_iter type:', sorted(r.scan_iter(_type='hash')))
print('hscan_iter:', sorted(r.hscan_iter('product_prices', match='product[12]')))
print('delete:', r.delete('lock:product1', 'nope'), r.exists('lock:product1'))
print('type:', r.type('product_prices'), r.type('cache:product1'), r.type('nope'))
