"""Plugin catalog site generator with a versioned download index of wagons."""

__version__ = "0.1.0"
