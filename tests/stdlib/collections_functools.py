# collections, functools, itertools, operator: counting and grouping writes.
from collections import Counter, OrderedDict, defaultdict, deque, namedtuple, ChainMap
import functools
import itertools
import operator

writes = ["product1", "product2", "product1", "product3", "product1"]
c = Counter(writes)
print(c.most_common(2), c["product1"], c["nope"])
by_product = defaultdict(list)
for i, p in enumerate(writes):
    by_product[p].append(i)
print(dict(by_product))
q = deque(maxlen=3)
for n in range(5):
    q.append(n)
print(q, q.popleft(), list(q))
Row = namedtuple("Row", ["product", "price"])
row = Row("product1", 150)
print(row, row.price, row._replace(price=175), row._asdict())
od = OrderedDict(a=1, b=2)
od.move_to_end("a")
print(list(od), ChainMap({"a": 1}, {"a": 2, "b": 3})["b"])


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(60), fib.cache_info().hits)
print(functools.reduce(operator.add, [1, 2, 3, 4]), functools.partial(int, base=2)("1010"))


@functools.wraps(fib)
def wrapper():
    pass


print(wrapper.__name__)
print(list(itertools.chain([1, 2], [3])), list(itertools.islice(itertools.count(10, 5), 3)))
print(list(itertools.product("ab", repeat=2)), list(itertools.permutations([1, 2, 3], 2))[:3])
print([(k, len(list(g))) for k, g in itertools.groupby(sorted(writes))])
print(list(itertools.accumulate([1, 2, 3, 4])), list(itertools.combinations("abc", 2)))
print(sorted([Row("b", 2), Row("a", 3)], key=operator.attrgetter("price")), operator.itemgetter(1, 0)("xy"))
