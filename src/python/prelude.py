# What the learner's Python finds before their first line (issue #13, docs/python.md): the
# `redis` module (a redis-py 5 client whose commands go to the lab's Redis), the `database`
# dictionary whose writes go to the lab's database, and print() into the lab's output pane.
# The host functions it calls (`_lab_*`) are Rust: src/python/mod.rs.
import sys


class _Output:
    def write(self, text):
        _lab_print(text)
        return len(text)

    def flush(self):
        pass


sys.stdout = _Output()
sys.stderr = _Output()


class RedisError(Exception):
    pass


class ResponseError(RedisError):
    pass


class DataError(RedisError):
    pass


class _Namespace:
    pass


exceptions = _Namespace()
exceptions.RedisError = RedisError
exceptions.ResponseError = ResponseError
exceptions.DataError = DataError


def _encode(value):
    # As redis-py 5 encodes arguments.
    if isinstance(value, bytes):
        return value
    if isinstance(value, bool):
        raise DataError(
            "Invalid input of type: 'bool'. Convert to a bytes, string, int or float first."
        )
    if isinstance(value, (int, float, str)):
        return str(value).encode() if not isinstance(value, float) else repr(value).encode()
    raise DataError(
        "Invalid input of type: '%s'. Convert to a bytes, string, int or float first."
        % type(value).__name__
    )


def _pairs(reply):
    return {reply[i]: reply[i + 1] for i in range(0, len(reply), 2)}


# redis-py's response callbacks for the commands a learner types.
_CALLBACKS = {
    'SET': lambda r: r == 'OK',
    'HMSET': lambda r: r == 'OK',
    'FLUSHDB': lambda r: r == 'OK',
    'FLUSHALL': lambda r: r == 'OK',
    'HGETALL': _pairs,
    'HEXISTS': bool,
    'EXISTS': int,
    'PING': lambda r: r == 'PONG',
}


class Redis:
    def __init__(self, host='localhost', port=6379, db=0, decode_responses=False, **kwargs):
        self.host = host
        self.port = port
        self.db = db
        self.decode_responses = decode_responses
        _lab_connect(str(host), str(port), str(db))

    def __repr__(self):
        return '<redis.client.Redis(<ConnectionPool(<Connection(host=%s,port=%s,db=%s)>)>)>' % (
            self.host,
            self.port,
            self.db,
        )

    def execute_command(self, *args, **options):
        # The seed's course sends a whole command string: split it as redis-cli does.
        if len(args) == 1 and isinstance(args[0], str):
            argv = _lab_split(args[0])
        else:
            argv = [_encode(a) for a in args]
        ok, reply = _lab_redis(*argv)
        if not ok:
            raise ResponseError(reply[4:] if reply.startswith('ERR ') else reply)
        name = argv[0].decode('utf-8', 'replace').upper() if argv else ''
        callback = _CALLBACKS.get(name)
        reply = callback(reply) if callback else reply
        if self.decode_responses:
            reply = _decode(reply)
        return reply

    def hset(self, name, key=None, value=None, mapping=None, items=None):
        if key is None and not mapping and not items:
            raise DataError("'hset' with no key value pairs")
        pieces = []
        if key is not None:
            pieces += [key, value]
        if items:
            pieces += list(items)
        if mapping:
            for pair in mapping.items():
                pieces += list(pair)
        return self.execute_command('HSET', name, *pieces)

    def hmset(self, name, mapping):
        if not mapping:
            raise DataError("'hmset' with 'mapping' of length 0")
        pieces = []
        for pair in mapping.items():
            pieces += list(pair)
        return self.execute_command('HMSET', name, *pieces)

    def hget(self, name, key):
        return self.execute_command('HGET', name, key)

    def hgetall(self, name):
        return self.execute_command('HGETALL', name)

    def hdel(self, name, *keys):
        return self.execute_command('HDEL', name, *keys)

    def hexists(self, name, key):
        return self.execute_command('HEXISTS', name, key)

    def hkeys(self, name):
        return self.execute_command('HKEYS', name)

    def hvals(self, name):
        return self.execute_command('HVALS', name)

    def hlen(self, name):
        return self.execute_command('HLEN', name)

    def hincrby(self, name, key, amount=1):
        return self.execute_command('HINCRBY', name, key, amount)

    def delete(self, *names):
        return self.execute_command('DEL', *names)

    def exists(self, *names):
        return self.execute_command('EXISTS', *names)

    def get(self, name):
        return self.execute_command('GET', name)

    def set(self, name, value, ex=None, px=None, nx=False, xx=False):
        pieces = [name, value]
        if ex is not None:
            pieces += ['EX', ex]
        if px is not None:
            pieces += ['PX', px]
        if nx:
            pieces.append('NX')
        if xx:
            pieces.append('XX')
        return self.execute_command('SET', *pieces)

    def keys(self, pattern='*'):
        return self.execute_command('KEYS', pattern)

    def flushdb(self):
        return self.execute_command('FLUSHDB')

    def ping(self):
        return self.execute_command('PING')


def _decode(reply):
    if isinstance(reply, bytes):
        return reply.decode('utf-8', 'replace')
    if isinstance(reply, list):
        return [_decode(r) for r in reply]
    if isinstance(reply, dict):
        return {_decode(k): _decode(v) for k, v in reply.items()}
    return reply


redis = type(sys)('redis')
redis.Redis = Redis
redis.StrictRedis = Redis
redis.exceptions = exceptions
redis.RedisError = RedisError
redis.ResponseError = ResponseError
redis.DataError = DataError
sys.modules['redis'] = redis
sys.modules['redis.exceptions'] = exceptions


class DatabaseError(Exception):
    pass


class Database(dict):
    """The lab's database: every write is a write of the real table, in program order."""

    def __setitem__(self, key, value):
        refused = _lab_db_set(key, value)
        if refused:
            raise DatabaseError(refused)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        if key not in self:
            raise KeyError(key)
        refused = _lab_db_del(key)
        if refused:
            raise DatabaseError(refused)
        dict.__delitem__(self, key)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def pop(self, key, *default):
        if key in self:
            value = dict.__getitem__(self, key)
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)


class _LiveDatabase(Database):
    """The table under the challenges' checker: every read, write and delete is an operation
    on the shared database (another client may have written in between), none kept here."""

    def __getitem__(self, key):
        value = _lab_db_get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key, default=None):
        value = _lab_db_get(key)
        return default if value is None else value

    def __contains__(self, key):
        return _lab_db_get(key) is not None

    def __setitem__(self, key, value):
        refused = _lab_db_set(key, value)
        if refused:
            raise DatabaseError(refused)

    def __delitem__(self, key):
        refused = _lab_db_del(key)
        if refused:
            raise DatabaseError(refused)


def _lab_live_table():
    return _LiveDatabase()


_lab_locals = {}


def _lab_trace(frame, event, arg):
    if frame.f_code.co_filename != _LEARNER_FILE:
        return None
    if event == 'return' and frame.f_code.co_name == 'update_price':
        # What the function's variables held when it returned (the lesson checks them).
        frame.f_globals['_lab_locals'] = dict(frame.f_locals)
    if event == 'line':
        _lab_adopt(frame.f_globals)
        _lab_line(frame.f_lineno)
    return _lab_trace


def _lab_adopt(globals_):
    found = globals_.get('database')
    if type(found) is dict:
        # `database = {...}`: the learner made the table; from now on it is the lab's.
        table = Database()
        for key, value in found.items():
            table[key] = value
        globals_['database'] = table


def _lab_error(exc):
    """The error's class name and the learner's line it happened at (0 if none)."""
    line = 0
    if isinstance(exc, SyntaxError):
        line = exc.lineno or 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _LEARNER_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return type(exc).__name__, line


def _lab_table(pairs):
    """The table as it is, without writing it again."""
    table = Database()
    dict.update(table, pairs)
    return table


def _lab_module():
    """`lab`: what the built-in patterns' listings use (`from lab import check, ...`)."""
    module = type(sys)('lab')

    def check(product, new_price):
        # The lab's own validation: an unknown product or a bad price is refused.
        refused = _lab_check(str(product), str(new_price))
        if refused:
            raise ValueError(refused)

    def restore(product, previous):
        # Undo a cache write: the price the cache had before, or no field if it had none.
        if previous is None:
            argv = [b'HDEL', b'product_prices', _encode(product)]
        else:
            argv = [b'HSET', b'product_prices', _encode(product), _encode(previous)]
        ok, reply = _lab_redis(*argv)
        if not ok:
            raise ResponseError(reply)

    module.check = check
    module.restore = restore
    module.queue = {}
    module.FLUSH_SIZE = _LAB_FLUSH_SIZE
    module.DatabaseError = DatabaseError
    sys.modules['lab'] = module


_lab_module()
