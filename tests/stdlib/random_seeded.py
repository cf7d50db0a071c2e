# random: seeded, a load test's random prices are the same every run (and the same as CPython's).
import random

random.seed(42)
print(random.random())
print([random.randint(1, 100) for _ in range(5)])
print(random.choice(["product1", "product2", "product3"]))
items = list(range(10))
random.shuffle(items)
print(items)
print(random.sample(range(100), 4))
print(round(random.uniform(10, 20), 6))
print(random.randrange(0, 1000, 5), random.getrandbits(16))
r = random.Random("write-through")
print(r.random(), r.choices("abc", k=5))
state = random.getstate()
a = random.random()
random.setstate(state)
print(a == random.random())
prices = {f"product{i}": random.randint(100, 999) for i in range(1, 4)}
print(prices)
