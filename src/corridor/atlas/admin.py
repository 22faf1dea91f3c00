"""Nothing registered on purpose: chains change through the atlas editor (each edit a new, validated
version) and links through the review queue (each decision audited); the admin would bypass both."""
