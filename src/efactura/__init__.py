"""The `efactura` command: one entry point whose subcommands come from the four packages.

This is the composition root: the only place that may import every package. Each package offers a
`cli` module with `register(subparsers)`; heavy imports happen inside the command handlers, so that
`efactura sandbox` never loads Django and `efactura invoice parse` never loads the sandbox.
"""
