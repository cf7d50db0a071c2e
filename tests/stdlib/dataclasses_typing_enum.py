# dataclasses, typing, enum, copy, abc: a database row as a class.
import abc
import copy
import enum
from dataclasses import asdict, astuple, dataclass, field, replace
from typing import Dict, List, NamedTuple, Optional, TypedDict, Union


class Store(enum.Enum):
    CACHE = "redis"
    DATABASE = "indexeddb"


class Step(enum.IntEnum):
    CACHE = 1
    DATABASE = 2


class Flags(enum.Flag):
    READ = enum.auto()
    WRITE = enum.auto()


@dataclass(order=True)
class Row:
    product: str
    price: int = 0
    tags: List[str] = field(default_factory=list)
    note: Optional[str] = None


@dataclass(frozen=True)
class Key:
    name: str


r = Row("product1", 150)
print(r, asdict(r), astuple(replace(r, price=175)))
print(Row("a", 1) < Row("b", 0), r == Row("product1", 150, []), sorted([Row("b"), Row("a", 2)]))
try:
    Key("k").name = "other"
except Exception as e:
    print(type(e).__name__, e)
print(Store.CACHE, Store("indexeddb").name, [s.value for s in Store], Step.DATABASE + 1, Step(1).name)
print(Flags.READ | Flags.WRITE in Flags.READ | Flags.WRITE, (Flags.READ | Flags.WRITE).value, Flags.READ in (Flags.READ | Flags.WRITE))


class Point(NamedTuple):
    x: int
    y: int = 0


class Movie(TypedDict):
    title: str


print(Point(1), Point(1, 2)._fields, Movie(title="x"), Union[int, str] == Union[str, int], Dict[str, int])


def price_of(row: Row) -> int:
    return row.price


print(price_of.__annotations__["return"].__name__, Optional[int] == Union[int, None])
nested = {"rows": [Row("p", 1)], "n": [1, [2]]}
deep = copy.deepcopy(nested)
deep["n"][1].append(3)
shallow = copy.copy(nested)
print(nested["n"], deep["n"], shallow["rows"] is nested["rows"], copy.copy(r) == r)


class Cache(abc.ABC):
    @abc.abstractmethod
    def get(self, key): ...


try:
    Cache()
except TypeError as e:
    print("TypeError:", "Cache" in str(e) and "get" in str(e))


class Dict_(Cache):
    def get(self, key):
        return key


print(Dict_().get(1), isinstance(Dict_(), Cache), issubclass(dict, abc.ABC))
