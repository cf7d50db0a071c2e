# datetime and time: a TTL computed from dates; sleeping between two writes.
import datetime
import time

d = datetime.date(2024, 2, 28)
print(d, d + datetime.timedelta(days=1), d + datetime.timedelta(days=2), d.weekday(), d.isoformat())
t = datetime.datetime(2024, 3, 10, 14, 30, 5)
expires = t + datetime.timedelta(hours=36, minutes=15)
print(expires, (expires - t).total_seconds(), expires.strftime("%Y-%m-%d %H:%M"))
utc = datetime.timezone.utc
print(datetime.datetime.fromisoformat("2024-03-10T14:30:05+00:00").timestamp() - datetime.datetime(2024, 3, 10, tzinfo=utc).timestamp())
print(datetime.datetime.strptime("10/03/2024 08:00", "%d/%m/%Y %H:%M"))
print(datetime.datetime(2024, 1, 1, tzinfo=utc).isoformat(), datetime.timedelta(days=1, seconds=5))
print(repr(datetime.timedelta(hours=-1)), datetime.date.fromisoformat("2024-12-31").toordinal())
print(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=2))).utcoffset())
start = time.time()
time.sleep(0.1)
print(0.099 <= time.time() - start < 0.5)
m = time.monotonic()
time.sleep(0)
print(time.monotonic() >= m)
print(time.strftime("%Y-%m-%d", time.gmtime(0)), time.gmtime(86400 * 365).tm_year)
n = time.time_ns()
time.sleep(0.2)
print(0.199 <= (time.time_ns() - n) / 1e9 < 0.6, time.perf_counter_ns() > 0, time.monotonic_ns() >= 0)
p = time.perf_counter()
time.sleep(0.13)
print(0.129 <= time.perf_counter() - p < 0.5, time.process_time() >= 0)
