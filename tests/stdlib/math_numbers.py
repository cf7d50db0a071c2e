# math, decimal, fractions, statistics: money and averages.
import math
from decimal import Decimal, ROUND_HALF_UP, getcontext, InvalidOperation
from fractions import Fraction
import statistics

print(math.sqrt(2), math.floor(-2.5), math.ceil(2.1), math.pi, math.e)
print(math.isclose(0.1 + 0.2, 0.3), math.gcd(12, 18), math.factorial(10), math.comb(5, 2))
print(math.inf > 10**100, math.isnan(float("nan")), math.log(8, 2), math.hypot(3, 4), math.fsum([0.1] * 10))
print(0.1 + 0.2, Decimal("0.1") + Decimal("0.2"))
price = Decimal("19.995")
print(price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), price * 3, price / 7)
getcontext().prec = 6
print(Decimal(1) / Decimal(7), Decimal("1.30") + Decimal("1.20"))
try:
    Decimal("abc")
except InvalidOperation as e:
    print("InvalidOperation", type(e).__name__)
print(Fraction(3, 4) + Fraction(1, 6), Fraction("0.125"), Fraction(1, 3).limit_denominator(10))
data = [150, 175, 175, 200, 240]
print(statistics.mean(data), statistics.median(data), statistics.mode(data))
print(round(statistics.stdev(data), 6), statistics.pvariance([1, 2, 3, 4]), statistics.fmean([1, 2, 4]))
print(statistics.quantiles(range(1, 11), n=4))
