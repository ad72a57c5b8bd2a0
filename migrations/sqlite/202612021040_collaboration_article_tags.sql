-- Collaboration: the tags of each article as rows, so the tag list counts and the page of a tag
-- finds the articles a reader may see without splitting every article's `tags` text. Written in
-- the same transaction as the article; `articles.tags` stays the text shown and versioned.
-- Filled from the existing rows: `tags` holds the normalised tags joined by ", ".
CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles(id),
    tag        TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags(tag, article_id);
INSERT INTO article_tags (article_id, tag)
WITH RECURSIVE split(article_id, tag, rest) AS (
    SELECT id, '', tags || ',' FROM articles
    UNION ALL
    SELECT article_id, TRIM(SUBSTR(rest, 1, INSTR(rest, ',') - 1)), SUBSTR(rest, INSTR(rest, ',') + 1)
    FROM split WHERE rest <> ''
)
SELECT DISTINCT article_id, tag FROM split WHERE tag <> '';
