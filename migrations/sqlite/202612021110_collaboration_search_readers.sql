-- Knowledge search: who may read an article becomes part of its search entry, as words in a
-- `readers` column ('rall' when shared with all agencies, else 'r' + the owner's and each chosen
-- agency's id without hyphens; see collaboration::search::article_readers). A search asks for the
-- reader's tokens in the same MATCH as the words, so FTS5 returns only readable matches. An FTS5
-- table cannot gain a column: it is made again and filled from the articles.
DROP TABLE article_search;
CREATE VIRTUAL TABLE article_search USING fts5(title, body, tags, readers, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO article_search (rowid, title, body, tags, readers)
SELECT r.search_rowid, a.title, a.body, REPLACE(a.tags, ',', ' '),
       CASE WHEN a.sharing = 'all' THEN 'rall'
            ELSE 'r' || LOWER(REPLACE(a.agency_id, '-', '')) || CASE WHEN a.sharing = 'agencies' THEN
                 COALESCE((SELECT ' ' || group_concat('r' || LOWER(REPLACE(sh.agency_id, '-', '')), ' ')
                           FROM article_shares sh WHERE sh.article_id = a.id), '') ELSE '' END
       END
FROM articles a JOIN article_search_rows r ON r.article_id = a.id;
