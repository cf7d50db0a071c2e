# heapq and bisect: the next key to expire, and a price's place in a sorted list.
import bisect
import heapq

expiries = [(30, "product3"), (10, "product1"), (20, "product2")]
heapq.heapify(expiries)
print(heapq.heappop(expiries), expiries[0])
heapq.heappush(expiries, (5, "product4"))
print([heapq.heappop(expiries) for _ in range(len(expiries))])
print(heapq.nlargest(2, [150, 300, 175, 240]), heapq.nsmallest(1, [3, 1, 2]), list(heapq.merge([1, 4], [2, 3])))
print(heapq.heappushpop([1, 5], 3), heapq.heapreplace([1, 5], 3))
prices = [100, 150, 200, 300]
print(bisect.bisect_left(prices, 150), bisect.bisect_right(prices, 150), bisect.bisect(prices, 250))
bisect.insort(prices, 175)
print(prices, bisect.bisect_left(prices, 10, key=None), bisect.bisect([(1, "a"), (3, "c")], (2, "")))
