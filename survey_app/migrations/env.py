"""Alembic environment: the engine comes from the caller, the target from the models."""

from alembic import context

from survey_app.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by copying and dropping it; with foreign keys on, dropping a
        # parent table would cascade-delete its children's rows. PRAGMA must precede BEGIN.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    # Work a migration may only do once its changes are committed (0011 deletes the files it
    # moved into the database).
    for after_commit in config.attributes.pop("after_commit", []):
        after_commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
