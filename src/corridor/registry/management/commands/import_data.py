"""corridor import_data FILE: the earlier name of `corridor import FILE --kind enterprises`."""

from corridor.imports.management.commands.import_file import Command as ImportCommand


class Command(ImportCommand):
    help = "Import enterprises and yearly facts from XLSX/CSV (upsert by USCC); same as `import`."
