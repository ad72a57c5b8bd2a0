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
SELECT DISTINCT a.id, TRIM(t.tag) FROM articles a CROSS JOIN LATERAL unnest(string_to_array(a.tags, ',')) AS t(tag)
WHERE TRIM(t.tag) <> '';
