"""bietphai: the application — settings, assembly, CLI, channels and texts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bietphai")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
