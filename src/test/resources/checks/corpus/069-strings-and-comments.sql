-- expect-rules: none
-- expect-verdict: safe
/* a block comment; with a semicolon /* and a nested one; */ still comment; */
INSERT INTO events (kind, payload) VALUES
    ('note; with a semicolon', '{"text": "a;b"}'),
    (E'it\'s; escaped', NULL), -- a trailing comment;
    ($tag$dollar; quoted$tag$, '{}');
SELECT 'a '';'' quote' AS "odd;name";
