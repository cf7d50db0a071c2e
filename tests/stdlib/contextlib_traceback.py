# contextlib and traceback: a context manager around a write, and the error it reports.
import contextlib
import traceback

events = []


@contextlib.contextmanager
def step(name):
    events.append("start " + name)
    try:
        yield name.upper()
    except ZeroDivisionError:
        events.append("failed " + name)
        raise
    finally:
        events.append("end " + name)


with step("cache") as s:
    events.append(s)
try:
    with step("database"):
        1 / 0
except ZeroDivisionError:
    pass
print(events)
with contextlib.suppress(KeyError):
    {}["missing"]
print("suppressed")
with contextlib.ExitStack() as stack:
    for n in ("a", "b"):
        stack.callback(print, "closing", n)
    print("inside")


class Managed(contextlib.AbstractContextManager):
    def __exit__(self, *exc):
        print("exit", exc[0].__name__ if exc[0] else None)


with Managed() as m:
    print(type(m).__name__)
with contextlib.nullcontext(5) as five:
    print(five)


def write(price):
    if price < 0:
        raise ValueError(f"a price is not negative: {price}")


try:
    write(-1)
except ValueError as e:
    print(traceback.format_exception_only(type(e), e))
    tb = traceback.extract_tb(e.__traceback__)
    print([frame.name for frame in tb], tb[-1].line)
    print("".join(traceback.format_exception(e)).splitlines()[-1])
    print(traceback.TracebackException.from_exception(e).exc_type.__name__)
