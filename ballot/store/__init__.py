"""Storage: the SQLAlchemy models, the database and its migrations, and the
files of the round keys. Knows nothing of requests or use cases."""
