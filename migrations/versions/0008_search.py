"""Search over candidates: their name, email and the titles of the openings they applied to.

One row per candidate on file in `candidate_search`, kept by triggers on candidates,
applications and openings, so every writer (the services, bulk loads, the command line)
keeps it true without knowing of it. An erased candidate has no row. On SQLite it is an FTS5
table whose tokenizer drops accents and case; on PostgreSQL a tsvector per candidate, made
from the text through an immutable wrapper of `unaccent`, with a GIN index. Emails are also
found by prefix, through an index on candidates.email that serves prefix ranges.

The search rows and the PostgreSQL index are not modelled (extensions.UNMODELLED names
them). A later migration that rebuilds candidates, applications or openings on SQLite
(batch mode copying a table) drops that table's triggers and must create them again.

Revision ID: 0008_search
Revises: 0008_paging_indexes
Create Date: 2026-12-01 13:40:00

"""
# ruff: noqa: S608 - the SQL is assembled from this file's own constants, never from input.
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_search'
down_revision = '0008_paging_indexes'
branch_labels = None
depends_on = None

SQLITE_TITLES = """(SELECT group_concat(o.title, ' ') FROM applications AS a
                    JOIN openings AS o ON o.id = a.opening_id WHERE a.candidate_id = {id})"""

TITLES_OF_ROW = SQLITE_TITLES.format(id='candidate_search.rowid')

SQLITE = [
    """CREATE VIRTUAL TABLE candidate_search USING fts5(
           name, email, openings,
           tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')""",
    f"""INSERT INTO candidate_search (rowid, name, email, openings)
        SELECT c.id, c.name, c.email, {SQLITE_TITLES.format(id='c.id')}
        FROM candidates AS c WHERE c.erased_at IS NULL""",
    """CREATE TRIGGER candidate_search_candidate_added AFTER INSERT ON candidates
       WHEN NEW.erased_at IS NULL BEGIN
           INSERT INTO candidate_search (rowid, name, email, openings)
           VALUES (NEW.id, NEW.name, NEW.email, NULL);
       END""",
    f"""CREATE TRIGGER candidate_search_candidate_changed
       AFTER UPDATE OF name, email, erased_at ON candidates BEGIN
           DELETE FROM candidate_search WHERE rowid = OLD.id;
           INSERT INTO candidate_search (rowid, name, email, openings)
           SELECT NEW.id, NEW.name, NEW.email, {SQLITE_TITLES.format(id='NEW.id')}
           WHERE NEW.erased_at IS NULL;
       END""",
    """CREATE TRIGGER candidate_search_candidate_removed AFTER DELETE ON candidates BEGIN
           DELETE FROM candidate_search WHERE rowid = OLD.id;
       END""",
    f"""CREATE TRIGGER candidate_search_application_added AFTER INSERT ON applications BEGIN
           UPDATE candidate_search
           SET openings = {SQLITE_TITLES.format(id='NEW.candidate_id')}
           WHERE rowid = NEW.candidate_id;
       END""",
    f"""CREATE TRIGGER candidate_search_application_moved
       AFTER UPDATE OF candidate_id, opening_id ON applications BEGIN
           UPDATE candidate_search SET openings = {TITLES_OF_ROW}
           WHERE rowid IN (OLD.candidate_id, NEW.candidate_id);
       END""",
    f"""CREATE TRIGGER candidate_search_application_removed AFTER DELETE ON applications BEGIN
           UPDATE candidate_search SET openings = {TITLES_OF_ROW}
           WHERE rowid = OLD.candidate_id;
       END""",
    f"""CREATE TRIGGER candidate_search_opening_renamed AFTER UPDATE OF title ON openings BEGIN
           UPDATE candidate_search SET openings = {TITLES_OF_ROW}
           WHERE rowid IN (SELECT candidate_id FROM applications WHERE opening_id = NEW.id);
       END""",
]

SQLITE_DOWN = [
    *(f"DROP TRIGGER IF EXISTS candidate_search_{name}" for name in (
        "candidate_added", "candidate_changed", "candidate_removed", "application_added",
        "application_moved", "application_removed", "opening_renamed")),
    "DROP TABLE IF EXISTS candidate_search",
]

# The document of a set of candidates, `touched` (a query of candidate_id), as rows to upsert.
POSTGRES_DOCUMENTS = """
    INSERT INTO candidate_search (candidate_id, document)
    SELECT c.id, candidate_search_document(c.name, c.email, t.titles)
    FROM candidates AS c
    LEFT JOIN (SELECT a.candidate_id, string_agg(o.title, ' ') AS titles
               FROM applications AS a JOIN openings AS o ON o.id = a.opening_id
               WHERE a.candidate_id IN ({touched}) GROUP BY a.candidate_id) AS t
           ON t.candidate_id = c.id
    WHERE c.id IN ({touched}) AND c.erased_at IS NULL
    ON CONFLICT (candidate_id) DO UPDATE SET document = EXCLUDED.document"""

# A row trigger (an UPDATE OF columns cannot have transition tables) for a moved application.
POSTGRES_MOVED = f"""
    CREATE FUNCTION candidate_search_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {POSTGRES_DOCUMENTS.format(touched="VALUES (OLD.candidate_id), (NEW.candidate_id)")};
        RETURN NULL;
    END
    $$"""

# The candidates of openings whose title an update changed (closing one leaves it as it is).
RENAMED = """SELECT a.candidate_id FROM applications AS a
               JOIN changed AS o ON o.id = a.opening_id JOIN gone AS g ON g.id = o.id
               WHERE g.title <> o.title"""

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only stable (its dictionary could change); naming the dictionary makes
    # this wrapper immutable in fact, so documents and queries normalise alike.
    """CREATE FUNCTION search_text(value text) RETURNS text
       LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
       BEGIN
           RETURN regexp_replace(lower(unaccent('unaccent'::regdictionary, value)),
                                 '[^[:alnum:]]+', ' ', 'g');
       END
       $$""",
    # PL/pgSQL rather than SQL: a SQL function that cannot be inlined (this one calls a
    # stable function) costs six times as much per call, which a bulk load feels.
    """CREATE FUNCTION candidate_search_document(name text, email text, titles text)
       RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
       BEGIN
           RETURN to_tsvector('simple'::regconfig,
                              search_text(concat_ws(' ', name, email, titles)));
       END
       $$""",
    """CREATE TABLE candidate_search (
           candidate_id integer NOT NULL,
           document tsvector NOT NULL,
           CONSTRAINT pk_candidate_search PRIMARY KEY (candidate_id),
           CONSTRAINT fk_candidate_search_candidate_id_candidates FOREIGN KEY (candidate_id)
               REFERENCES candidates (id) ON DELETE CASCADE)""",
    # Every document made afresh in one pass: here, and after a bulk load that set the
    # triggers aside (bench/year.py).
    """CREATE FUNCTION candidate_search_rebuild() RETURNS void LANGUAGE sql AS $$
           DELETE FROM candidate_search;
           INSERT INTO candidate_search (candidate_id, document)
           SELECT c.id, candidate_search_document(c.name, c.email, t.titles)
           FROM candidates AS c
           LEFT JOIN (SELECT a.candidate_id, string_agg(o.title, ' ') AS titles
                      FROM applications AS a JOIN openings AS o ON o.id = a.opening_id
                      GROUP BY a.candidate_id) AS t ON t.candidate_id = c.id
           WHERE c.erased_at IS NULL;
       $$""",
    "SELECT candidate_search_rebuild()",
    "CREATE INDEX ix_candidate_search_document ON candidate_search USING gin (document)",
    "ANALYZE candidate_search",
    # Emails are stored in lower case; text_pattern_ops serves a prefix range in any collation.
    "CREATE INDEX ix_candidates_email_prefix ON candidates (email text_pattern_ops)",
    # Statement triggers read the changed rows as a set, so a bulk load costs one pass.
    f"""CREATE FUNCTION candidate_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           IF TG_TABLE_NAME = 'candidates' AND TG_OP = 'INSERT' THEN
               -- No application can name a candidate before the statement adding them ends.
               INSERT INTO candidate_search (candidate_id, document)
               SELECT id, candidate_search_document(name, email, NULL) FROM changed
               WHERE erased_at IS NULL;
           ELSIF TG_TABLE_NAME = 'candidates' THEN
               DELETE FROM candidate_search
               WHERE candidate_id IN (SELECT id FROM changed WHERE erased_at IS NOT NULL);
               {POSTGRES_DOCUMENTS.format(touched="SELECT id FROM changed")};
           ELSIF TG_TABLE_NAME = 'applications' AND TG_OP = 'INSERT' THEN
               {POSTGRES_DOCUMENTS.format(touched="SELECT candidate_id FROM changed")};
           ELSIF TG_TABLE_NAME = 'applications' AND TG_OP = 'DELETE' THEN
               {POSTGRES_DOCUMENTS.format(touched="SELECT candidate_id FROM gone")};
           ELSIF TG_TABLE_NAME = 'openings' THEN
               {POSTGRES_DOCUMENTS.format(touched=RENAMED)};
           END IF;
           RETURN NULL;
       END
       $$""",
    """CREATE TRIGGER candidate_search_candidates_added AFTER INSERT ON candidates
       REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
       EXECUTE FUNCTION candidate_search_refresh()""",
    """CREATE TRIGGER candidate_search_candidates_changed AFTER UPDATE ON candidates
       REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
       EXECUTE FUNCTION candidate_search_refresh()""",
    """CREATE TRIGGER candidate_search_applications_added AFTER INSERT ON applications
       REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
       EXECUTE FUNCTION candidate_search_refresh()""",
    """CREATE TRIGGER candidate_search_applications_removed AFTER DELETE ON applications
       REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
       EXECUTE FUNCTION candidate_search_refresh()""",
    # Updates of an application's status are frequent and leave the document as it is.
    POSTGRES_MOVED,
    """CREATE TRIGGER candidate_search_applications_moved
       AFTER UPDATE OF candidate_id, opening_id ON applications FOR EACH ROW
       WHEN (OLD.candidate_id <> NEW.candidate_id OR OLD.opening_id <> NEW.opening_id)
       EXECUTE FUNCTION candidate_search_moved()""",
    """CREATE TRIGGER candidate_search_openings_renamed AFTER UPDATE ON openings
       REFERENCING OLD TABLE AS gone NEW TABLE AS changed FOR EACH STATEMENT
       EXECUTE FUNCTION candidate_search_refresh()""",
]

POSTGRES_DOWN = [
    *(f"DROP TRIGGER IF EXISTS candidate_search_{name} ON {table}" for name, table in (
        ("candidates_added", "candidates"), ("candidates_changed", "candidates"),
        ("applications_added", "applications"), ("applications_removed", "applications"),
        ("applications_moved", "applications"), ("openings_renamed", "openings"))),
    "DROP FUNCTION IF EXISTS candidate_search_refresh()",
    "DROP FUNCTION IF EXISTS candidate_search_moved()",
    "DROP FUNCTION IF EXISTS candidate_search_rebuild()",
    "DROP INDEX IF EXISTS ix_candidates_email_prefix",
    "DROP TABLE IF EXISTS candidate_search",
    "DROP FUNCTION IF EXISTS candidate_search_document(text, text, text)",
    "DROP FUNCTION IF EXISTS search_text(text)",
]


def upgrade():
    for statement in POSTGRES if op.get_bind().dialect.name == 'postgresql' else SQLITE:
        op.execute(statement)


def downgrade():
    for statement in (POSTGRES_DOWN if op.get_bind().dialect.name == 'postgresql'
                      else SQLITE_DOWN):
        op.execute(statement)
