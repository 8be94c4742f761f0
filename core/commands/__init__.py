"""The `studyhall` command's subcommands: each module adds its parsers and handlers."""
