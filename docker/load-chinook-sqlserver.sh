#!/usr/bin/env bash
# Loads the Chinook sample database into SQL Server, once: the source of compose.yaml.
# Run by the sqlserver-init service; by hand against another server, for example:
#   SQLSERVER_HOST=localhost,14330 MSSQL_SA_PASSWORD=... CHINOOK_SQL=/path/Chinook_SqlServer.sql \
#     SQLCMD=sqlcmd ./load-chinook-sqlserver.sh
# Chinook_SqlServer.sql creates database [Chinook] itself (dropping any earlier one) and is split
# into GO batches, which sqlcmd understands.
set -euo pipefail

host="${SQLSERVER_HOST:-sqlserver}"
script="${CHINOOK_SQL:-/chinook/Chinook_SqlServer.sql}"
sqlcmd="${SQLCMD:-/opt/mssql-tools18/bin/sqlcmd}"
: "${MSSQL_SA_PASSWORD:?set MSSQL_SA_PASSWORD to the sa password}"
# sqlcmd reads the password from here, which keeps it off the process list.
export SQLCMDPASSWORD="$MSSQL_SA_PASSWORD"
# Set after a complete, checked load, as a database-level extended property: not a table in dbo,
# so the replicator does not copy it.
mark=chinook_loaded_by_replicator_init

# -C trusts the server's self-signed certificate; -b turns any SQL error into a non-zero exit;
# -r1 sends error messages to stderr even when -o discards the output.
sql() { "$sqlcmd" -S "$host" -U sa -C -b -r1 "$@"; }
# One value from a query: no headers, no row count, no padding.
scalar() { sql -h -1 -W -Q "SET NOCOUNT ON; $1" | tr -d '[:space:]'; }

if [[ ! -r "$script" ]]; then
    echo "No readable Chinook script at $script: set CHINOOK_DIR (compose) or CHINOOK_SQL (this script)." >&2
    exit 1
fi

# compose starts this once the server is healthy; the retries are for runs by hand.
for attempt in $(seq 1 30); do
    sql -Q "SELECT 1" -o /dev/null && break
    [[ $attempt == 30 ]] && { echo "SQL Server at $host did not answer." >&2; exit 1; }
    sleep 2
done

# Skip when Chinook exists and carries the mark. A Chinook without it (an interrupted load) is
# loaded again: the script drops it first. Dynamic SQL, so the query compiles without Chinook.
marked=$(scalar "DECLARE @n int = 0;
    IF DB_ID(N'Chinook') IS NOT NULL
        EXEC sp_executesql
            N'SELECT @n = COUNT(*) FROM Chinook.sys.extended_properties WHERE class = 0 AND name = N''$mark''',
            N'@n int OUTPUT', @n OUTPUT;
    SELECT @n;")
if [[ "$marked" == 1 ]]; then
    echo "Chinook is already loaded; nothing to do."
    exit 0
fi

echo "Loading $script into SQL Server at $host ..."
# The script is UTF-8 with accented names in N'...' literals, which the Linux sqlcmd decodes with
# the locale (compose.yaml sets LC_ALL=C.UTF-8); the check below catches a wrong decoding.
sql -i "$script" -o /dev/null

# An ASCII-only query (NCHAR(244) is ô), so the check itself does not depend on the decoding.
jobim=$(scalar "SELECT COUNT(*) FROM Chinook.dbo.Artist WHERE Name = N'Ant' + NCHAR(244) + N'nio Carlos Jobim';")
if [[ "$jobim" != 1 ]]; then
    echo "Chinook was loaded with mangled accented names: run this script with a UTF-8 locale (LC_ALL=C.UTF-8)." >&2
    exit 1
fi
sql -d Chinook -o /dev/null -Q "EXEC sys.sp_addextendedproperty @name = N'$mark', @value = N'load-chinook-sqlserver.sh';"
echo "Chinook loaded: $(scalar "SELECT COUNT(*) FROM Chinook.dbo.Track;") tracks."
