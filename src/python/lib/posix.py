"""The lab's posix module: the same as its os (no files, processes or network)."""

from os import *
from os import environ, fspath, getcwd, urandom
