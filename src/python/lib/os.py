"""The lab's os module.

The learner's Python runs in the browser: there are no files, processes or network to reach.
What a program computes with is here (os.path, os.environ, os.urandom, os.sep, ...); what would
reach the machine raises OSError and says why.
"""

import sys

name = "posix"
sep = "/"
altsep = None
curdir = "."
pardir = ".."
extsep = "."
pathsep = ":"
defpath = "/bin:/usr/bin"
linesep = "\n"
devnull = "/dev/null"
supports_bytes_environ = True
environ = {}
environb = {}

import posixpath as path

sys.modules["os.path"] = path

_WHY = "the lab runs your Python in the browser, with no files, processes or network"


def _unavailable(name):
    def refuse(*args, **kwargs):
        raise OSError(f"os.{name} is not available: {_WHY}")

    refuse.__name__ = name
    return refuse


for _name in (
    "system", "popen", "listdir", "scandir", "walk", "remove", "unlink", "rmdir", "removedirs",
    "mkdir", "makedirs", "rename", "renames", "replace", "chdir", "chmod", "chown", "stat",
    "lstat", "open", "read", "write", "close", "fork", "kill", "execv", "execve", "execl",
    "execlp", "execvp", "spawnl", "spawnv", "startfile", "truncate", "link", "symlink",
    "readlink", "utime", "access", "pipe", "dup", "dup2", "fstat", "lseek", "fsync",
):
    globals()[_name] = _unavailable(_name)
del _name

F_OK, R_OK, W_OK, X_OK = 0, 4, 2, 1
SEEK_SET, SEEK_CUR, SEEK_END = 0, 1, 2


def fspath(p):
    if isinstance(p, (str, bytes)):
        return p
    method = getattr(type(p), "__fspath__", None)
    if method is None:
        raise TypeError(
            "expected str, bytes or os.PathLike object, not " + type(p).__name__
        )
    result = method(p)
    if isinstance(result, (str, bytes)):
        return result
    raise TypeError(
        f"expected {type(p).__name__}.__fspath__() to return str or bytes, "
        f"not {type(result).__name__}"
    )


class PathLike:
    """An object that has a file system path (`__fspath__`)."""

    @classmethod
    def __subclasshook__(cls, subclass):
        return hasattr(subclass, "__fspath__") or NotImplemented


def fsencode(filename):
    filename = fspath(filename)
    return filename.encode("utf-8", "surrogateescape") if isinstance(filename, str) else filename


def fsdecode(filename):
    filename = fspath(filename)
    return filename.decode("utf-8", "surrogateescape") if isinstance(filename, bytes) else filename


def getenv(key, default=None):
    return environ.get(key, default)


def getcwd():
    return "/"


def getcwdb():
    return b"/"


def getpid():
    return 1


def getppid():
    return 0


def cpu_count():
    return 1


def get_terminal_size(*args):
    raise OSError(f"os.get_terminal_size is not available: {_WHY}")


def urandom(size):
    """Random bytes from the lab's random source (seeded under the challenges' checker)."""
    import _random

    if size < 0:
        raise ValueError("negative argument not allowed")
    global _source
    try:
        source = _source
    except NameError:
        # Under the challenges' checker a run must replay exactly: one seed.
        source = _source = _random.Random(0 if getattr(sys, "_lab_pinned", False) else None)
    return source.getrandbits(size * 8).to_bytes(size, "little") if size else b""


def strerror(code):
    return f"error {code}"


error = OSError


def register_at_fork(*, before=None, after_in_child=None, after_in_parent=None):
    """No process is ever forked in the lab: nothing to register."""
