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


# time: the clocks and time.sleep (made once per interpreter, src/python/interpreter_setup.py)
# read this run's clock and sleep through sys: a sleep passes at once and moves the program's
# clock on; under the challenges' checker the clock is pinned.
sys._lab_clock = _lab_clock
sys._lab_sleep = _lab_sleep

# random: under the checker every run of a client starts from one seed, like its clock, so that
# a counterexample replays exactly (the modules stay imported between runs); after a checker's
# run, a program's random is seeded afresh again, as CPython seeds it at start.
_lab_was_pinned = getattr(sys, '_lab_pinned', False)
sys._lab_pinned = _lab_clock()[1]
if sys._lab_pinned or _lab_was_pinned:
    if 'random' in sys.modules:
        sys.modules['random'].seed(0 if sys._lab_pinned else None)
    if 'os' in sys.modules:
        sys.modules['os'].__dict__.pop('_source', None)
# Module state a program sets is its own, as in a fresh CPython: the decimal context and the
# environment start as CPython's do at every run.
if 'decimal' in sys.modules:
    sys.modules['decimal'].setcontext(sys.modules['decimal'].Context())
if 'os' in sys.modules:
    sys.modules['os'].environ.clear()


class RedisError(Exception):
    pass


class ResponseError(RedisError):
    pass


class DataError(RedisError):
    pass


class WatchError(RedisError):
    pass


class ExecAbortError(ResponseError):
    pass


class OutOfMemoryError(ResponseError):
    pass


class _Namespace:
    pass


exceptions = _Namespace()
exceptions.RedisError = RedisError
exceptions.ResponseError = ResponseError
exceptions.DataError = DataError
exceptions.WatchError = WatchError
exceptions.ExecAbortError = ExecAbortError
exceptions.OutOfMemoryError = OutOfMemoryError

# redis-py's error classes by the first word of the error, which it then leaves out.
_ERROR_CLASSES = {'ERR': ResponseError, 'EXECABORT': ExecAbortError, 'OOM': OutOfMemoryError}


def _error(text):
    code = text.split(' ')[0]
    kind = _ERROR_CLASSES.get(code)
    if kind is None:
        return ResponseError(text)
    return kind(text[len(code) + 1:])


def _pairs(reply):
    return {reply[i]: reply[i + 1] for i in range(0, len(reply), 2)}


# redis-py's response callbacks for the commands a learner types.
_CALLBACKS = {
    'SET': lambda r: r and r == 'OK',
    'HMSET': lambda r: r == 'OK',
    'FLUSHDB': lambda r: r == 'OK',
    'FLUSHALL': lambda r: r == 'OK',
    'HGETALL': _pairs,
    'HEXISTS': bool,
    'EXISTS': int,
    'PING': lambda r: r == 'PONG',
    'SCAN': lambda r: (int(r[0]), r[1]),
    'HSCAN': lambda r: (int(r[0]), _pairs(r[1]) if r[1] else {}),
    'HINCRBYFLOAT': float,
    'INCRBYFLOAT': float,
    'MSET': lambda r: r == 'OK',
    'RENAME': lambda r: r == 'OK',
}
for _name in ('EXPIRE', 'EXPIREAT', 'PEXPIRE', 'PEXPIREAT', 'PERSIST', 'SETNX', 'SETEX',
              'PSETEX', 'COPY', 'MOVE', 'RENAMENX', 'MSETNX'):
    _CALLBACKS[_name] = bool
del _name


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
        # One native call encodes, runs and names the command: a loop of redis-py calls runs
        # through few Python frames (docs/benchmarks.md, "Long programs").
        ok, reply, name = _lab_call(args)
        if not ok:
            raise _error(reply)
        if type(reply) is list:
            reply = [_error(r[0]) if type(r) is tuple else r for r in reply]
        if self.decode_responses:
            reply = _decode(reply)
        callback = _CALLBACKS.get(name)
        return reply if callback is None else callback(reply)

    def _reply(self, argv, ok, reply):
        """A reply as redis-py gives it: an error raised, the command's callback applied."""
        if not ok:
            raise _error(reply)
        if isinstance(reply, list):
            # One command's error inside EXEC's reply comes as a 1-tuple: redis-py's exception.
            reply = [_error(r[0]) if isinstance(r, tuple) else r for r in reply]
        if self.decode_responses:
            reply = _decode(reply)
        return _callback(argv, reply)

    def pipeline(self, transaction=True, shard_hint=None):
        return Pipeline(self, transaction)

    def transaction(self, func, *watches, **kwargs):
        value_from_callable = kwargs.pop('value_from_callable', False)
        with self.pipeline(True) as pipe:
            while True:
                try:
                    if watches:
                        pipe.watch(*watches)
                    func_value = func(pipe)
                    exec_value = pipe.execute()
                    return func_value if value_from_callable else exec_value
                except WatchError:
                    continue

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

    def hsetnx(self, name, key, value):
        return self.execute_command('HSETNX', name, key, value)

    def hmget(self, name, keys, *args):
        keys = list(keys) if isinstance(keys, (list, tuple)) else [keys]
        return self.execute_command('HMGET', name, *keys, *args)

    def hincrbyfloat(self, name, key, amount=1.0):
        return self.execute_command('HINCRBYFLOAT', name, key, amount)

    def incrbyfloat(self, name, amount=1.0):
        return self.execute_command('INCRBYFLOAT', name, amount)

    def mget(self, keys, *args):
        keys = list(keys) if isinstance(keys, (list, tuple)) else [keys]
        return self.execute_command('MGET', *keys, *args)

    def mset(self, mapping):
        pieces = []
        for pair in mapping.items():
            pieces += list(pair)
        return self.execute_command('MSET', *pieces)

    def setnx(self, name, value):
        return self.execute_command('SETNX', name, value)

    def append(self, key, value):
        return self.execute_command('APPEND', key, value)

    def strlen(self, name):
        return self.execute_command('STRLEN', name)

    def persist(self, name):
        return self.execute_command('PERSIST', name)

    def rename(self, src, dst):
        return self.execute_command('RENAME', src, dst)

    def type(self, name):
        return self.execute_command('TYPE', name)

    def scan(self, cursor=0, match=None, count=None, _type=None, **kwargs):
        return self.execute_command('SCAN', cursor, *_scan_options(match, count, _type))

    def scan_iter(self, match=None, count=None, _type=None, **kwargs):
        cursor = '0'
        while cursor != 0:
            cursor, data = self.scan(cursor=cursor, match=match, count=count, _type=_type)
            yield from data

    def hscan(self, name, cursor=0, match=None, count=None, no_values=None):
        return self.execute_command('HSCAN', name, cursor, *_scan_options(match, count))

    def hscan_iter(self, name, match=None, count=None, no_values=None):
        cursor = '0'
        while cursor != 0:
            cursor, data = self.hscan(name, cursor=cursor, match=match, count=count)
            yield from data.items()

    def incrby(self, name, amount=1):
        return self.execute_command('INCRBY', name, amount)

    incr = incrby

    def decrby(self, name, amount=1):
        return self.execute_command('DECRBY', name, amount)

    decr = decrby

    def expire(self, name, time):
        return self.execute_command('EXPIRE', name, time)

    def ttl(self, name):
        return self.execute_command('TTL', name)

    def pttl(self, name):
        return self.execute_command('PTTL', name)

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


def _scan_options(match, count, _type=None):
    # SCAN's and HSCAN's options, as redis-py sends them: those given, in this order.
    pieces = []
    for word, value in (('MATCH', match), ('COUNT', count), ('TYPE', _type)):
        if value is not None:
            pieces += [word, value]
    return pieces


def _argv(args):
    # The seed's course sends a whole command string: split it as redis-cli does.
    return _lab_argv(args)


def _callback(argv, reply):
    name = argv[0].decode('utf-8', 'replace').upper() if argv else ''
    callback = _CALLBACKS.get(name)
    return callback(reply) if callback and not isinstance(reply, Exception) else reply


def _command_text(argv):
    return ' '.join(a.decode('utf-8', 'replace') for a in argv)


def _annotate(error, number, argv):
    error.args = ('Command # %d (%s) of pipeline caused error: %s'
                  % (number, _command_text(argv), error.args[0]),) + error.args[1:]
    return error


class Pipeline(Redis):
    """redis-py's pipeline: commands are queued here and sent by execute(), wrapped in MULTI and
    EXEC when it is a transaction (the default). After watch(), commands run at once until
    multi(); a watched key changed before EXEC raises WatchError."""

    def __init__(self, client, transaction):
        self.client = client
        self.decode_responses = client.decode_responses
        self.transaction = transaction
        self.command_stack = []
        self.watching = False
        self.explicit_transaction = False

    def __repr__(self):
        return '<redis.client.Pipeline(%r)>' % (self.client,)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.reset()

    def __len__(self):
        return len(self.command_stack)

    def __bool__(self):
        return True

    def reset(self):
        self.command_stack = []
        if self.watching:
            _lab_redis(b'UNWATCH')
        self.watching = False
        self.explicit_transaction = False

    def multi(self):
        if self.explicit_transaction:
            raise RedisError('Cannot issue nested calls to MULTI')
        if self.command_stack:
            raise RedisError('Commands without an initial WATCH have already been issued')
        self.explicit_transaction = True

    def execute_command(self, *args, **options):
        argv = _argv(args)
        name = argv[0].upper() if argv else b''
        if (self.watching or name == b'WATCH') and not self.explicit_transaction:
            reply = self._reply(argv, *_lab_redis(*argv))
            if name == b'WATCH':
                self.watching = True
            elif name in (b'UNWATCH', b'EXEC', b'DISCARD'):
                self.watching = False
            return reply
        self.command_stack.append(argv)
        return self

    def watch(self, *names):
        if self.explicit_transaction:
            raise RedisError('Cannot issue a WATCH after a MULTI')
        return self.execute_command('WATCH', *names)

    def unwatch(self):
        return self.watching and self.execute_command('UNWATCH') or True

    def discard(self):
        self.execute_command('DISCARD')

    def execute(self, raise_on_error=True):
        stack = self.command_stack
        if not stack and not self.watching:
            return []
        try:
            if self.transaction or self.explicit_transaction:
                return self._execute_transaction(stack, raise_on_error)
            return self._execute_pipeline(stack, raise_on_error)
        finally:
            self.reset()

    def _execute_transaction(self, stack, raise_on_error):
        errors = []
        ok, reply = _lab_redis(b'MULTI')
        if not ok:
            errors.append((0, _error(reply)))
        for i, argv in enumerate(stack):
            ok, reply = _lab_redis(*argv)
            if not ok:
                errors.append((i, _annotate(_error(reply), i + 1, argv)))
        ok, reply = _lab_redis(b'EXEC')
        if not ok:
            error = _error(reply)
            if isinstance(error, ExecAbortError) and errors:
                raise errors[0][1]
            raise error
        self.watching = False
        if reply is None:
            raise WatchError('Watched variable changed.')
        reply = [_error(r[0]) if isinstance(r, tuple) else r for r in reply]
        for i, error in errors:
            reply.insert(i, error)
        if raise_on_error:
            self._raise_first_error(stack, reply)
        if self.decode_responses:
            reply = _decode(reply)
        return [_callback(argv, r) for argv, r in zip(stack, reply)]

    def _execute_pipeline(self, stack, raise_on_error):
        replies = []
        for argv in stack:
            try:
                replies.append(self._reply(argv, *_lab_redis(*argv)))
            except ResponseError as e:
                replies.append(e)
        if raise_on_error:
            self._raise_first_error(stack, replies)
        return replies

    def _raise_first_error(self, stack, replies):
        for i, reply in enumerate(replies):
            if isinstance(reply, ResponseError):
                raise _annotate(reply, i + 1, stack[i])


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
redis.WatchError = WatchError
redis.client = _Namespace()
redis.client.Pipeline = Pipeline
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
    # Called (by the lab's native tracer) when the learner's `update_price` returns: what its
    # variables held then (the lesson checks them). Lines and instructions are traced natively.
    if event == 'return' and frame.f_code.co_name == 'update_price':
        frame.f_globals['_lab_locals'] = dict(frame.f_locals)
    return _lab_trace


def _lab_adopt(globals_):
    found = globals_.get('database')
    if type(found) is dict:
        # `database = {...}`: the learner made the table; from now on it is the lab's.
        table = Database()
        for key, value in found.items():
            table[key] = value
        globals_['database'] = table


def _lab_clean(exc):
    """Takes the lab's own import machinery (`<lab setup>`) out of the traceback of `exc` and
    of the exceptions chained to it, as CPython leaves its importlib out: the learner sees
    their lines and the library's."""
    seen = set()
    todo = [exc]
    while todo:
        exc = todo.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        kept = []
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename != "<lab setup>":
                kept.append(tb)
            tb = tb.tb_next
        for tb, after in zip(kept, kept[1:] + [None]):
            tb.tb_next = after
        exc.__traceback__ = kept[0] if kept else None
        todo += [exc.__cause__, exc.__context__]


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
            argv = _lab_argv((b'HDEL', b'product_prices', product))
        else:
            argv = _lab_argv((b'HSET', b'product_prices', product, previous))
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
