"""SQL that creates Magpie's two database roles and hands a database to the owner.

Pure psycopg (no Django), so the embedded server's start-up can use it before settings exist;
``manage.py db_roles`` prints or applies the same statements for ``DATABASE_URL``.
"""

from __future__ import annotations

from psycopg import sql


def role_statements(
    *, owner: str, runtime: str, owner_password: str | None = None, runtime_password: str | None = None
) -> list[sql.Composable]:
    """SQL a superuser (or a role with CREATEROLE) runs once to create both roles; re-running it
    takes back anything extra an existing role was given."""

    def create(name: str, password: str | None, options: str) -> list[sql.Composable]:
        statements = [
            sql.SQL(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal}) THEN "
                "CREATE ROLE {name} LOGIN {options}; END IF; END $$"
            ).format(literal=sql.Literal(name), name=sql.Identifier(name), options=sql.SQL(options)),
            sql.SQL("ALTER ROLE {} LOGIN {}").format(sql.Identifier(name), sql.SQL(options)),
        ]
        if password:
            statements.append(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
        return statements

    return [
        *create(owner, owner_password, "NOSUPERUSER NOBYPASSRLS CREATEDB NOCREATEROLE"),
        *create(runtime, runtime_password, "NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT"),
    ]


def database_statements(*, database: str, owner: str, runtime: str) -> list[sql.Composable]:
    """Hand ``database`` to the owner and let the runtime role connect to it."""
    database_id, owner_id, runtime_id = (sql.Identifier(n) for n in (database, owner, runtime))
    return [
        sql.SQL("ALTER DATABASE {} OWNER TO {}").format(database_id, owner_id),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(database_id, runtime_id),
    ]


def transfer_ownership_statements(owner: str, from_role: str) -> sql.Composable:
    """Hand an existing database's tables, sequences, views and functions from ``from_role`` (for
    example the superuser that ran migrations before the roles existed) to the owner."""
    return sql.SQL(
        """
        DO $$
        DECLARE item record;
        BEGIN
          FOR item IN
            SELECT format('ALTER %s %I.%I OWNER TO {owner}',
                          CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                         WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                          n.nspname, c.relname) AS statement
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
              AND pg_get_userbyid(c.relowner) = {from_role}
              AND NOT (c.relkind = 'S' AND EXISTS (
                SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
          LOOP EXECUTE item.statement; END LOOP;
          FOR item IN
            SELECT format('ALTER FUNCTION %s OWNER TO {owner}', p.oid::regprocedure) AS statement
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) = {from_role}
          LOOP EXECUTE item.statement; END LOOP;
        END $$
        """
    ).format(owner=sql.Identifier(owner), from_role=sql.Literal(from_role))
