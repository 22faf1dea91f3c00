"""Nothing registered on purpose: enterprises and their facts are changed through the registry's
pages and imports, which validate, audit and soft-delete; the admin would bypass all three."""
