"""The command line. ``app`` holds the command table and ``run``; ``options`` the shared options;
``console`` and ``runtime`` the edges every command shares; ``assess``, ``checks``, ``analysis``
and ``importing`` the commands, by group. Nothing registers itself on import."""
