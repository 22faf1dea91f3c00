"""Pure algorithms over plain data. Imports nothing from Django (a test enforces it)."""
