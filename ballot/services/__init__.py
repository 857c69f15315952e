"""Use cases over the store, the rules and the crypto (docs/architecture.md,
“Services”); the web layer, the CLI and the tests hold `facade.Services`."""
