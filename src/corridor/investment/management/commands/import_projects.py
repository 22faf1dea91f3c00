"""corridor import_projects FILE --user NAME: the earlier name of `corridor import FILE --kind projects`."""

from corridor.imports.management.commands.import_file import Command as ImportCommand


class Command(ImportCommand):
    help = (
        "Import investment projects from XLSX/XLS/CSV: each row is opened and moved to its stage "
        "with the same rules as the board; same as `import --kind projects`."
    )
    default_kind = "projects"
