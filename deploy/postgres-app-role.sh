#!/bin/sh
# First start of the compose file's PostgreSQL: the application's role, which only gets row
# access (flask db grant, run by the migrate service after every upgrade).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE meetings_app LOGIN PASSWORD '${MEETINGS_APP_DB_PASSWORD}';
SQL
