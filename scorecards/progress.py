"""Progress of the commands that can run for a while, drawn only where someone watches.

A long command (a meeting packet, an export, the retention rule) takes
``--progress/--no-progress``. By default it draws Click's progress bar on standard error
when standard error is a terminal, and says nothing more otherwise, so that cron mail, logs
and pipes get exactly the command's output. The service doing the work reports how far it
is as ``progress(done, total)`` and knows nothing of terminals.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import click

Progress = Callable[[int, int], None]


def progress_option():
    """Return the --progress/--no-progress option of a long command."""
    return click.option("--progress/--no-progress", "progress", default=None,
                        help="Draw a progress bar on standard error (default: when standard "
                             "error is a terminal).")


@contextmanager
def progress_bar(show: bool | None, label: str, counted: bool = True
                 ) -> Iterator[Progress | None]:
    """Yield a callback that draws (done, total) as a bar, or None when none is shown.

    show None means: when standard error is a terminal. counted shows the steps as "done/total"
    beside the percentage (rows, candidates), for steps a reader can count. The bar is drawn
    from the first report on, when the total is known, and fills when the work returns; a
    command that fails leaves it where it stopped.
    """
    stream = sys.stderr  # looked up now: the command line's tests replace it
    if show is None:
        show = stream.isatty()
    if not show:
        yield None
        return
    with ExitStack() as stack:
        bar, drawn, length = None, 0, 0

        def report(done: int, total: int) -> None:
            nonlocal bar, drawn, length
            if bar is None:
                if total <= 0:  # nothing to do: no bar to watch
                    return
                bar = stack.enter_context(click.progressbar(
                    length=total, label=label, file=stream, show_pos=counted,
                    show_percent=True))
                length = total
            bar.update(done - drawn)
            drawn = done

        yield report
        report(length, length)  # done, whatever the last report said
