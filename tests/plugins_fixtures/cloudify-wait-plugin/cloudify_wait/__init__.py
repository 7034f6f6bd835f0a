"""An operation that sleeps."""
import time


def wait(ctx=None, seconds=1, **_):
    """Sleep `seconds` seconds, logging before and after."""
    if ctx is not None:
        ctx.logger.info("waiting %s seconds", seconds)
    time.sleep(float(seconds))
