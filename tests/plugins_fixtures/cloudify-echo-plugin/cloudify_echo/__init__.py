"""Operations that log what they are given."""


def echo(ctx=None, message="", **_):
    """Log `message` (the operation's input) and return it."""
    if ctx is not None:
        ctx.logger.info(message)
    return message
