-- Knowledge search: who may read an article becomes part of its search entry, as words in a
-- `readers` tsvector ('rall' when shared with all agencies, else 'r' + the owner's and each chosen
-- agency's id without hyphens; see collaboration::search::article_readers), with a GIN index of
-- its own that PostgreSQL ANDs with the document's, so a search finds only readable matches.
ALTER TABLE article_search ADD COLUMN readers TSVECTOR NOT NULL DEFAULT ''::tsvector;
UPDATE article_search s SET readers = to_tsvector('simple',
       CASE WHEN a.sharing = 'all' THEN 'rall'
            ELSE 'r' || LOWER(REPLACE(a.agency_id, '-', '')) || CASE WHEN a.sharing = 'agencies' THEN
                 COALESCE((SELECT ' ' || string_agg('r' || LOWER(REPLACE(sh.agency_id, '-', '')), ' ')
                           FROM article_shares sh WHERE sh.article_id = a.id), '') ELSE '' END
       END)
FROM articles a WHERE a.id = s.article_id;
CREATE INDEX article_search_readers ON article_search USING GIN (readers);
