"""Answers written while their rows are read: long bill lists and exports.

The body is produced after the view has returned. So ``streamed`` runs the chunks'
generator to its first chunk inside the view: its queries start there, and whatever
they raise is still answered by the blueprint's error handler in the dialect's shape,
not a 200 cut short. The rest runs under ``stream_with_context`` (request, ``g`` and
config at hand); the rows come from a connection the generator holds itself
(services/snapshot.py), because the request's session is removed when the view returns.
Once the first chunk is out, an error can only end the body early (the server logs it).
"""

from flask import current_app, stream_with_context


def _resume(first, chunks):
    try:
        yield first
        yield from chunks
    finally:
        # Closed before it got to ``yield from`` (the client went away after the first
        # chunk): the generator still closes its connection now, not when collected.
        chunks.close()


def streamed(chunks, **response_options):
    """A response whose body is ``chunks`` (a generator of text), first chunk run now."""
    first = next(chunks, None)
    body = iter(()) if first is None else stream_with_context(_resume(first, chunks))
    return current_app.response_class(body, **response_options)
