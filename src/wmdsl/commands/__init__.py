"""The commands of the ``wmdsl`` command line, each a :mod:`click` command.

:mod:`wmdsl.cli` gathers them into the ``wmdsl`` group and keeps the process
policy (the collector, the exit, ``--timeout``) to itself; here is what each
command does. :mod:`.check` checks specs, :mod:`.fmt` lays them out, :mod:`.build` turns one into
diagrams, an analysis or a handbook, :mod:`.reference` describes the rules
and the model, :mod:`.serve` runs the live preview and :mod:`.watch` the
``check --watch`` loop; :mod:`.shared` holds what several of them use.

Imports of the compiler happen inside the commands, so that ``wmdsl
--version`` and ``--help`` start without loading lark, pydantic or networkx.
"""
