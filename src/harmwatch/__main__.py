"""``python -m harmwatch``: the same as the ``harmwatch`` command."""

from harmwatch.cli import main

main()
